namespace Platform.Benchmarks.Grains;

/// <summary>The smallest useful grain call: an argument in, a result out, no await.</summary>
public interface IPingGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="value"/> plus one.</summary>
    Task<int> PingAsync(int value);
}
