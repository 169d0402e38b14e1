namespace Platform.Silo.Tests.Grains;

/// <summary>A non-reentrant grain whose earlier request leaves a call (and its call chain) running elsewhere.</summary>
public interface IStressTurnGrain : IGrainWithStringKey
{
    /// <summary>Starts <paramref name="relay"/> calling back into this grain later, without waiting for it, and returns.</summary>
    Task KickAsync(IStressRelayGrain relay);

    /// <summary>Holds the turn until the test opens this grain's gate.</summary>
    Task HoldAsync();

    /// <summary>Records "touch" (synchronously) and counts it.</summary>
    Task TouchAsync();

    /// <summary>How many touches ran in this activation.</summary>
    Task<int> TouchesAsync();

    /// <summary>Asks to be deactivated; <c>OnDeactivateAsync</c> then waits for the gate "&lt;key&gt;/leave".</summary>
    Task LeaveSlowlyAsync();
}
