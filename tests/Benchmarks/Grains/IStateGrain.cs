namespace Platform.Benchmarks.Grains;

/// <summary>A grain with a small persisted state.</summary>
public interface IStateGrain : IGrainWithStringKey
{
    /// <summary>Sets the value and writes the state durably.</summary>
    Task SetAsync(int value);

    /// <summary>The value held (read from storage at activation).</summary>
    Task<int> GetAsync();
}
