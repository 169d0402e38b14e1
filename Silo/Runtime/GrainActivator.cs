using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Silo.Runtime;

/// <summary>
/// Constructs grain instances: constructor parameters come from DI, except <see cref="IPersistentState{TState}"/>
/// parameters marked <see cref="PersistentStateAttribute"/>, which are bound to the grain's id and the named storage.
/// The recipe per grain class is worked out once.
/// </summary>
internal sealed class GrainActivator(IServiceProvider services)
{
    private readonly ConcurrentDictionary<Type, Func<ActivationData, Grain>> _factories = new();

    public Grain Create(GrainTypeInfo grainType, ActivationData activation) =>
        _factories.GetOrAdd(grainType.GrainClass, BuildFactory)(activation);

    private Func<ActivationData, Grain> BuildFactory(Type grainClass)
    {
        var constructors = grainClass.GetConstructors();
        if (constructors.Length != 1)
        {
            throw new InvalidOperationException($"Grain class {grainClass.Name} must have exactly one public constructor.");
        }

        var constructor = constructors[0];
        var resolvers = constructor.GetParameters().Select(ResolverFor).ToArray();
        return activation =>
        {
            var arguments = new object?[resolvers.Length];
            for (var i = 0; i < resolvers.Length; i++)
            {
                arguments[i] = resolvers[i](activation);
            }

            try
            {
                return (Grain)constructor.Invoke(arguments);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                throw exception.InnerException;
            }
        };
    }

    private Func<ActivationData, object?> ResolverFor(ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } attribute)
        {
            var type = parameter.ParameterType;
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            {
                throw new InvalidOperationException($"[PersistentState] parameter '{parameter.Name}' must be an IPersistentState<T>.");
            }

            var stateType = type.GetGenericArguments()[0];
            if (stateType.GetConstructor(Type.EmptyTypes) is null && !stateType.IsValueType)
            {
                throw new InvalidOperationException($"State type {stateType.Name} of '{attribute.StateName}' needs a public parameterless constructor, so a grain with nothing stored starts from a fresh instance.");
            }

            var bridgeType = typeof(StateStorageBridge<>).MakeGenericType(stateType);
            var storageName = attribute.StorageName;
            var stateName = attribute.StateName;
            return activation =>
            {
                var storage = storageName is null
                    ? services.GetRequiredService<IGrainStorage>()
                    : services.GetRequiredKeyedService<IGrainStorage>(storageName);
                var bridge = System.Activator.CreateInstance(bridgeType, stateName, activation, storage)!;
                activation.AddStateLoader((IGrainStateLoader)bridge);
                return bridge;
            };
        }

        var serviceType = parameter.ParameterType;
        if (parameter.GetCustomAttribute<FromKeyedServicesAttribute>() is { } keyed)
        {
            return _ => services.GetRequiredKeyedService(serviceType, keyed.Key);
        }

        return _ => services.GetRequiredService(serviceType);
    }
}
