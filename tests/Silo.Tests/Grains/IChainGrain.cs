namespace Platform.Silo.Tests.Grains;

/// <summary>Calls that go from one grain to another and back (A→B→A), as the run, approval and workspace grains do.</summary>
public interface IChainGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="other"/>, which calls back into this grain while this call waits.</summary>
    Task<string> StartAsync(IChainGrain other);

    Task<string> BounceAsync(IChainGrain origin);

    Task<string> EchoAsync();

    /// <summary>Records "holding" and waits for the test to open the key's gate.</summary>
    Task<string> HoldAsync();

    /// <summary>Throws <see cref="ChainRefusedException"/> after an await.</summary>
    Task FailAsync(string reason);
}
