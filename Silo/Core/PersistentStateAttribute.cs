namespace Platform.Silo;

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> and names its state.</summary>
/// <param name="stateName">The state name, unique within the grain.</param>
/// <param name="storageName">A keyed storage provider, or <see langword="null"/> for the silo's default storage.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>The state name, unique within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The keyed storage provider, or <see langword="null"/> for the default one.</summary>
    public string? StorageName { get; } = storageName;
}
