using System.Collections.Frozen;
using System.Reflection;

namespace Platform.Silo.Runtime;

/// <summary>
/// Maps grain interfaces to the grain classes that implement them, and grain type names back to classes (reminders and
/// storage rows carry only the name). Built once at start-up from the assemblies the host registers.
/// </summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, GrainTypeInfo> _byInterface;
    private readonly FrozenDictionary<string, GrainTypeInfo> _byName;

    public GrainTypeRegistry(IEnumerable<Type> grainClasses)
    {
        var byInterface = new Dictionary<Type, GrainTypeInfo>();
        var byName = new Dictionary<string, GrainTypeInfo>(StringComparer.Ordinal);
        foreach (var grainClass in grainClasses.Distinct())
        {
            if (!typeof(Grain).IsAssignableFrom(grainClass) || grainClass.IsAbstract)
            {
                throw new ArgumentException($"{grainClass.FullName} is not a concrete Grain class.", nameof(grainClasses));
            }

            var info = new GrainTypeInfo(NameOf(grainClass), grainClass, grainClass.GetCustomAttribute<ReentrantAttribute>() is not null);
            if (!byName.TryAdd(info.Name, info))
            {
                throw new InvalidOperationException($"Grain type name '{info.Name}' is used by both {byName[info.Name].GrainClass.FullName} and {grainClass.FullName}; give one a [GrainType] name.");
            }

            foreach (var grainInterface in grainClass.GetInterfaces().Where(IsGrainInterface))
            {
                if (grainInterface == typeof(IRemindable))
                {
                    continue;
                }

                if (!byInterface.TryAdd(grainInterface, info))
                {
                    throw new InvalidOperationException($"{grainInterface.Name} is implemented by both {byInterface[grainInterface].GrainClass.FullName} and {grainClass.FullName}; a grain interface needs exactly one implementation.");
                }
            }
        }

        _byInterface = byInterface.ToFrozenDictionary();
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<GrainTypeInfo> GrainTypes => _byName.Values;

    public int Count => _byName.Count;

    public GrainTypeInfo ForInterface(Type grainInterface) =>
        _byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class implements {grainInterface.FullName}; register its assembly with the silo builder's AddGrains.");

    public GrainTypeInfo ForName(string grainTypeName) =>
        _byName.TryGetValue(grainTypeName, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class has grain type '{grainTypeName}'.");

    public static IEnumerable<Type> GrainClassesIn(Assembly assembly) =>
        assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(Grain).IsAssignableFrom(t));

    private static bool IsGrainInterface(Type type) =>
        type.IsInterface && typeof(IGrain).IsAssignableFrom(type)
        && type != typeof(IGrain) && type != typeof(IGrainWithStringKey) && type != typeof(IGrainWithGuidKey);

    private static string NameOf(Type grainClass)
    {
        if (grainClass.GetCustomAttribute<GrainTypeAttribute>() is { } attribute)
        {
            return attribute.Name;
        }

        var name = grainClass.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}
