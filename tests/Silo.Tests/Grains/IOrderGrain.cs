using System.Collections.Immutable;

namespace Platform.Silo.Tests.Grains;

/// <summary>Records the order in which requests run, and how many ever ran at once.</summary>
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Appends <paramref name="value"/> after yielding the thread several times mid-turn.</summary>
    Task AppendAsync(int value);

    /// <summary>Waits for the test's gate before appending, so later calls queue up behind it.</summary>
    Task AppendAfterGateAsync(int value);

    /// <summary>What was appended, in order.</summary>
    Task<ImmutableArray<int>> GetAsync();

    /// <summary>The most requests that were ever inside a turn at the same time.</summary>
    Task<int> MaxConcurrencyAsync();

    /// <summary>A status read allowed to interleave with a waiting turn.</summary>
    [AlwaysInterleave]
    Task<int> CountAsync();
}
