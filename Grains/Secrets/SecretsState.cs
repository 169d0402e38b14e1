namespace Platform.Grains.Secrets;

/// <summary>What a secrets grain persists: sealed values and their metadata, by name.</summary>
public sealed class SecretsState
{
    public Dictionary<string, StoredSecret> Secrets { get; set; } = new(StringComparer.Ordinal);
}
