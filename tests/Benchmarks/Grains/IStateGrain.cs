namespace Platform.Benchmarks.Grains;

/// <summary>A grain with a small persisted state.</summary>
[Alias("bench.IStateGrain")]
public interface IStateGrain : IGrainWithStringKey
{
    /// <summary>Sets the value and writes the state durably.</summary>
    [Alias("Set")]
    Task SetAsync(int value);

    /// <summary>The value held (read from storage at activation).</summary>
    [Alias("Get")]
    Task<int> GetAsync();
}
