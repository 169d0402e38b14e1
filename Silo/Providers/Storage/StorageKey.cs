namespace Platform.Silo.Storage;

/// <summary>Validates what addresses a stored record before it reaches SQL.</summary>
internal static class StorageKey
{
    public static void Validate(GrainId grainId, string name)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("A grain id is required.", nameof(grainId));
        }

        ArgumentException.ThrowIfNullOrEmpty(grainId.Type.ToString(), nameof(grainId));
        GrainKey.Validate(grainId.Key.ToString(), nameof(grainId));
        ArgumentException.ThrowIfNullOrEmpty(name);
    }
}
