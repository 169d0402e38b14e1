using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Platform.Silo.Runtime;

/// <summary>
/// Enforces the rule for everything that crosses a grain call: it is immutable. Grains share no mutable objects, so one
/// grain cannot change another's state behind its turn (isolation between workspaces depends on it). Allowed: primitives,
/// strings, enums, Guid, dates and times, grain references, System.Collections.Immutable collections, and records or
/// structs whose properties are get- or init-only and whose fields are read-only, all of allowed types. Methods return
/// <see cref="Task"/> or <see cref="Task{TResult}"/>. Checked once per interface, when the first reference is made.
/// </summary>
internal static class CallContract
{
    private static readonly ConcurrentDictionary<Type, string?> s_verdicts = new();

    private static readonly HashSet<Type> s_leafTypes =
    [
        typeof(string), typeof(decimal), typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly),
        typeof(TimeOnly), typeof(TimeSpan), typeof(Uri), typeof(GrainId), typeof(TickStatus), typeof(Version),
    ];

    private static readonly HashSet<Type> s_immutableCollections =
    [
        typeof(ImmutableArray<>), typeof(ImmutableList<>), typeof(ImmutableHashSet<>), typeof(ImmutableSortedSet<>),
        typeof(ImmutableDictionary<,>), typeof(ImmutableSortedDictionary<,>), typeof(ImmutableQueue<>), typeof(ImmutableStack<>),
    ];

    public static void Check(MethodInfo method)
    {
        var where = $"{method.DeclaringType?.Name}.{method.Name}";
        var returnType = method.ReturnType;
        if (returnType != typeof(Task) && !(returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>)))
        {
            throw new InvalidOperationException($"{where} returns {returnType.Name}; grain methods return Task or Task<T>.");
        }

        if (returnType.IsGenericType && WhyMutable(returnType.GetGenericArguments()[0]) is { } resultProblem)
        {
            throw new InvalidOperationException($"{where} returns {Describe(returnType.GetGenericArguments()[0])}, {resultProblem}. Arguments and results crossing a grain call must be immutable.");
        }

        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType.IsByRef)
            {
                throw new InvalidOperationException($"{where} parameter '{parameter.Name}' is passed by reference; grain calls take values.");
            }

            if (WhyMutable(parameter.ParameterType) is { } problem)
            {
                throw new InvalidOperationException($"{where} parameter '{parameter.Name}' has type {Describe(parameter.ParameterType)}, {problem}. Arguments and results crossing a grain call must be immutable.");
            }
        }
    }

    /// <summary>Null when <paramref name="type"/> is immutable, otherwise why not.</summary>
    public static string? WhyMutable(Type type)
    {
        if (s_verdicts.TryGetValue(type, out var known))
        {
            return known;
        }

        // Assume immutable while looking, so recursive records terminate.
        s_verdicts[type] = null;
        var verdict = Examine(type);
        s_verdicts[type] = verdict;
        return verdict;
    }

    private static string? Examine(Type type)
    {
        if (type.IsPrimitive || type.IsEnum || s_leafTypes.Contains(type) || typeof(IGrain).IsAssignableFrom(type))
        {
            return null;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return WhyMutable(underlying);
        }

        if (type.IsGenericType && s_immutableCollections.Contains(type.GetGenericTypeDefinition()))
        {
            return type.GetGenericArguments().Select(WhyMutable).FirstOrDefault(p => p is not null);
        }

        if (type.IsArray || type.IsInterface || type.IsAbstract || type == typeof(object) || typeof(Delegate).IsAssignableFrom(type))
        {
            return "which can be changed by whoever holds it (use a record or an immutable collection)";
        }

        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!field.IsInitOnly)
            {
                return $"whose field '{field.Name}' is writable";
            }

            if (WhyMutable(field.FieldType) is { } problem)
            {
                return $"whose field '{field.Name}' is {Describe(field.FieldType)}, {problem}";
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || IsCompilerGenerated(property))
            {
                continue;
            }

            if (property.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter))
            {
                return $"whose property '{property.Name}' has a public setter";
            }

            if (WhyMutable(property.PropertyType) is { } problem)
            {
                return $"whose property '{property.Name}' is {Describe(property.PropertyType)}, {problem}";
            }
        }

        return null;
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    private static bool IsCompilerGenerated(PropertyInfo property) =>
        property.Name == "EqualityContract" || property.GetCustomAttribute<CompilerGeneratedAttribute>() is not null;

    private static string Describe(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>"
            : type.Name;
}
