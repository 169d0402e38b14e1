namespace Platform.Silo.Tests.Grains;

/// <summary>Calls that travel A→B→A.</summary>
public interface IChainGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="other"/>, which calls back into this grain, and returns the path taken.</summary>
    Task<string> StartAsync(IChainGrain other);

    /// <summary>Calls back into <paramref name="origin"/>.</summary>
    Task<string> BounceAsync(IChainGrain origin);

    /// <summary>The end of the chain.</summary>
    Task<string> LeafAsync();
}
