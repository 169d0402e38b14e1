namespace Platform.Silo.Storage;

/// <summary>The checks every provider makes on a row key before it touches the database.</summary>
internal static class StorageKey
{
    /// <summary>Throws <see cref="ArgumentException"/> unless the grain id and the state or reminder name can key a row.</summary>
    public static void Validate(GrainId grainId, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(grainId.Type, nameof(grainId));
        GrainKey.Validate(grainId.Key, nameof(grainId));
        ArgumentException.ThrowIfNullOrEmpty(name);
    }
}
