namespace Platform.Benchmarks.Grains;

/// <summary>A few fields, about the size of a workspace's budget counters.</summary>
public sealed class SmallState
{
    public int Value { get; set; }

    public string Owner { get; set; } = "benchmark";

    public long UpdatedAtUnixMs { get; set; }
}
