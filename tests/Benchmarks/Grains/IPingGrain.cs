namespace Platform.Benchmarks.Grains;

/// <summary>The smallest useful grain call: an argument in, a result out, no await.</summary>
[Alias("bench.IPingGrain")]
public interface IPingGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="value"/> plus one.</summary>
    [Alias("Ping")]
    Task<int> PingAsync(int value);

    /// <summary>Calls <paramref name="targetKey"/>'s <see cref="PingAsync"/> <paramref name="calls"/> times in sequence: grain to grain.</summary>
    [Alias("PingMany")]
    Task<int> PingManyAsync(string targetKey, int calls);
}
