namespace Platform.Silo.Runtime;

/// <summary>What the runtime knows of one grain class: its stable type name, and how requests may interleave.</summary>
internal sealed class GrainTypeInfo(string name, Type grainClass, bool isReentrant)
{
    public string Name { get; } = name;

    public Type GrainClass { get; } = grainClass;

    public bool IsReentrant { get; } = isReentrant;

    /// <summary>The tag list for metrics, built once.</summary>
    public KeyValuePair<string, object?> MetricTag { get; } = new("grain.type", name);
}
