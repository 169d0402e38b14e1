namespace Platform.Silo.Tests.Grains;

/// <summary>Many A→hub→A call chains at once; each step counts how many of its kind run inside the grain.</summary>
public interface IStressChainGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="hub"/>, which calls back into this grain; returns the path.</summary>
    Task<string> StartAsync(IStressChainGrain hub, int tag);

    /// <summary>Calls back into <paramref name="origin"/>.</summary>
    Task<string> BounceAsync(IStressChainGrain origin, int tag);

    /// <summary>The end of the chain.</summary>
    Task<string> LeafAsync(int tag);
}
