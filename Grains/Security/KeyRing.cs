using System.Collections.Immutable;

namespace Platform.Grains.Security;

/// <summary>An immutable snapshot of the loaded KEK versions; rotation swaps in a new one, so readers never lock.</summary>
internal sealed class KeyRing(string currentId, ImmutableDictionary<string, KekVersion> versions)
{
    public string CurrentId { get; } = currentId;

    public ImmutableDictionary<string, KekVersion> Versions { get; } = versions;

    public KekVersion Current => Versions[CurrentId];
}
