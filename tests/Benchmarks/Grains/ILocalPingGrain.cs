namespace Platform.Benchmarks.Grains;

/// <summary>A ping grain that is placed on the silo whose caller first activates it, so a benchmark chooses its node.</summary>
[Alias("bench.ILocalPingGrain")]
public interface ILocalPingGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="value"/> plus one.</summary>
    [Alias("Ping")]
    Task<int> PingAsync(int value);

    /// <summary>Calls <paramref name="targetKey"/>'s <see cref="PingAsync"/> <paramref name="calls"/> times in sequence: grain to grain.</summary>
    [Alias("PingMany")]
    Task<int> PingManyAsync(string targetKey, int calls);

    /// <summary>The silo this activation runs on.</summary>
    [Alias("Silo")]
    Task<string> SiloAsync();
}
