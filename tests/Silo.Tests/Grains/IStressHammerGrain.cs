namespace Platform.Silo.Tests.Grains;

/// <summary>A grain hammered by many callers while it keeps going away; counts into <see cref="StressStats"/>.</summary>
public interface IStressHammerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reads the count, yields mid-turn, writes it back plus one (a lost update if two turns overlap) and returns it.
    /// Asks to be deactivated when <paramref name="callId"/> is a multiple of <paramref name="leaveEvery"/> (0: never).
    /// </summary>
    Task<int> HitAsync(long callId, int leaveEvery);

    /// <summary>The count this activation holds, read between the awaits of a running turn.</summary>
    [AlwaysInterleave]
    Task<int> PeekAsync();
}
