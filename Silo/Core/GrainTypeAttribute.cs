namespace Platform.Silo;

/// <summary>
/// Names a grain class's grain type. The name is part of every storage row and reminder of the grain, so it must stay
/// stable when the class is renamed. Without it the type is the class name, lower-cased, without a "Grain" suffix.
/// </summary>
/// <param name="name">The stable grain type name.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The stable grain type name.</summary>
    public string Name { get; } = name;
}
