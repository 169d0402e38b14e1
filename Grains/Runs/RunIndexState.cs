using Platform.Grains.Interfaces.Runs;

namespace Platform.Grains.Runs;

/// <summary>What a run index persists: one summary per listed run, by run id (at most <see cref="RunIndexOptions.MaxListed"/>).</summary>
public sealed class RunIndexState
{
    public Dictionary<string, RunSummary> Runs { get; set; } = new(StringComparer.Ordinal);
}
