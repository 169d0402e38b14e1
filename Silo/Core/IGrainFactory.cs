namespace Platform.Silo;

/// <summary>Creates grain references. A reference is cheap, can be held, passed in grain calls and called from any thread.</summary>
public interface IGrainFactory
{
    /// <summary>Gets a reference to the grain of interface <typeparamref name="TGrainInterface"/> with key <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is empty, longer than <see cref="GrainKey.MaxLength"/> or contains control characters.</exception>
    TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;

    /// <summary>Gets a reference to the grain of interface <typeparamref name="TGrainInterface"/> with key <paramref name="key"/>.</summary>
    TGrainInterface GetGrain<TGrainInterface>(Guid key) where TGrainInterface : IGrainWithGuidKey;
}
