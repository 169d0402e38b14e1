using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;

using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Security.Tests.Contracts;

/// <summary>
/// The rule the project's own runtime enforced on every call (Silo/Runtime/CallContract.cs until b176c71) and Orleans
/// does not: whatever crosses a grain call is immutable, so a caller and a callee on one silo never share state that
/// either could change. Checked here over the contract assembly, with what Orleans adds: every such type of the
/// project carries [GenerateSerializer] and [Alias] (a stable wire name), and records carry [Immutable] (no deep copy).
/// </summary>
public sealed class ImmutabilityContractTests
{
    private static readonly HashSet<Type> s_leafTypes =
    [
        typeof(string), typeof(decimal), typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly),
        typeof(TimeOnly), typeof(TimeSpan), typeof(Uri), typeof(GrainId), typeof(Version),
    ];

    private static readonly HashSet<Type> s_immutableCollections =
    [
        typeof(ImmutableArray<>), typeof(ImmutableList<>), typeof(ImmutableHashSet<>), typeof(ImmutableSortedSet<>),
        typeof(ImmutableDictionary<,>), typeof(ImmutableSortedDictionary<,>), typeof(ImmutableQueue<>), typeof(ImmutableStack<>),
    ];

    private static Assembly Contracts => typeof(IWorkspaceGrain).Assembly;

    [Fact]
    public void Every_grain_method_takes_and_returns_immutable_values()
    {
        var problems = new List<string>();
        var seen = new Dictionary<Type, string?>();
        foreach (var method in GrainMethods())
        {
            var where = $"{method.DeclaringType!.Name}.{method.Name}";
            var returned = method.ReturnType;
            if (returned != typeof(Task) && returned != typeof(ValueTask)
                && !(returned.IsGenericType && returned.GetGenericTypeDefinition() is var d && (d == typeof(Task<>) || d == typeof(ValueTask<>))))
            {
                problems.Add($"{where} returns {Describe(returned)}; grain methods return Task or Task<T>.");
            }
            else if (returned.IsGenericType && WhyMutable(returned.GetGenericArguments()[0], seen) is { } why)
            {
                problems.Add($"{where} returns {Describe(returned.GetGenericArguments()[0])}, {why}.");
            }

            foreach (var parameter in method.GetParameters())
            {
                if (parameter.ParameterType.IsByRef)
                {
                    problems.Add($"{where} parameter '{parameter.Name}' is passed by reference.");
                }
                else if (WhyMutable(parameter.ParameterType, seen) is { } why)
                {
                    problems.Add($"{where} parameter '{parameter.Name}' is {Describe(parameter.ParameterType)}, {why}.");
                }
            }
        }

        Assert.True(GrainMethods().Any(), "no grain methods found: the test looks in the wrong assembly");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_project_type_that_crosses_a_call_is_serializable_with_a_stable_name_and_records_are_marked_immutable()
    {
        var problems = new List<string>();
        foreach (var type in CrossingTypes().Where(t => t.Namespace?.StartsWith("Platform", StringComparison.Ordinal) == true && !t.IsEnum))
        {
            if (type.GetCustomAttribute<GenerateSerializerAttribute>() is null)
            {
                problems.Add($"{type.FullName} has no [GenerateSerializer].");
            }

            if (type.GetCustomAttribute<AliasAttribute>() is null)
            {
                problems.Add($"{type.FullName} has no [Alias].");
            }

            if (IsRecord(type) && type.GetCustomAttribute<ImmutableAttribute>() is null)
            {
                problems.Add($"{type.FullName} is a record without [Immutable]: every local call deep-copies it.");
            }
        }

        Assert.NotEmpty(CrossingTypes());
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_rule_refuses_what_it_should()
    {
        var seen = new Dictionary<Type, string?>();
        Assert.NotNull(WhyMutable(typeof(List<string>), seen));
        Assert.NotNull(WhyMutable(typeof(string[]), seen));
        Assert.NotNull(WhyMutable(typeof(IReadOnlyList<string>), seen));
        Assert.NotNull(WhyMutable(typeof(ImmutableArray<List<int>>), seen));
        Assert.NotNull(WhyMutable(typeof(MutableShape), seen));
        Assert.NotNull(WhyMutable(typeof(PrivateSetterShape), seen));
        Assert.Null(WhyMutable(typeof(ImmutableSortedDictionary<string, ImmutableArray<Uri>>), seen));
        Assert.Null(WhyMutable(typeof(IWorkspaceGrain), seen));
    }

    private static IEnumerable<MethodInfo> GrainMethods() =>
        Contracts.GetTypes()
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
            .SelectMany(t => t.GetMethods());

    /// <summary>Every type reachable from a grain method's parameters and results, through properties, fields and type arguments.</summary>
    private static HashSet<Type> CrossingTypes()
    {
        var found = new HashSet<Type>();
        var pending = new Stack<Type>(GrainMethods().SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)));
        while (pending.TryPop(out var type))
        {
            if (type.IsByRef || typeof(IAddressable).IsAssignableFrom(type) || !found.Add(type))
            {
                continue;
            }

            foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
            {
                pending.Push(argument);
            }

            if (type.Namespace?.StartsWith("Platform", StringComparison.Ordinal) == true)
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => !IsCompilerGenerated(p)))
                {
                    pending.Push(property.PropertyType);
                }

                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
                {
                    pending.Push(field.FieldType);
                }
            }
        }

        return found;
    }

    private static string? WhyMutable(Type type, Dictionary<Type, string?> seen)
    {
        if (seen.TryGetValue(type, out var known))
        {
            return known;
        }

        // Assumed immutable while looking, so recursive types terminate.
        seen[type] = null;
        var verdict = Examine(type, seen);
        seen[type] = verdict;
        return verdict;
    }

    private static string? Examine(Type type, Dictionary<Type, string?> seen)
    {
        if (type.IsPrimitive || type.IsEnum || s_leafTypes.Contains(type) || typeof(IAddressable).IsAssignableFrom(type))
        {
            return null;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return WhyMutable(underlying, seen);
        }

        if (type.IsGenericType && s_immutableCollections.Contains(type.GetGenericTypeDefinition()))
        {
            return type.GetGenericArguments().Select(a => WhyMutable(a, seen) is { } why ? $"whose element {Describe(a)} is mutable: {why}" : null).FirstOrDefault(p => p is not null);
        }

        if (type.IsArray || type.IsInterface || type.IsAbstract || type == typeof(object) || typeof(Delegate).IsAssignableFrom(type)
            || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
        {
            return "which whoever holds it can change (use a record or a System.Collections.Immutable collection)";
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (!field.IsInitOnly)
                {
                    return $"whose field '{field.Name}' is not readonly";
                }

                if (WhyMutable(field.FieldType, seen) is { } why)
                {
                    return $"whose field '{field.Name}' is {Describe(field.FieldType)}, {why}";
                }
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || IsCompilerGenerated(property))
            {
                continue;
            }

            if (property.SetMethod is { } setter && !IsInitOnly(setter))
            {
                return $"whose property '{property.Name}' has a setter";
            }

            if (WhyMutable(property.PropertyType, seen) is { } why)
            {
                return $"whose property '{property.Name}' is {Describe(property.PropertyType)}, {why}";
            }
        }

        return null;
    }

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    private static bool IsCompilerGenerated(PropertyInfo property) =>
        property.Name == "EqualityContract" || property.GetCustomAttribute<CompilerGeneratedAttribute>() is not null;

    private static string Describe(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>"
            : type.Name;
}
