namespace Platform.Silo.Tests.Grains;

/// <summary>Records its activations and deactivations in <see cref="TestGates"/>.</summary>
public interface ILifecycleGrain : IGrainWithStringKey
{
    /// <summary>Answers with this activation's serial number.</summary>
    Task<Guid> ActivationIdAsync();

    /// <summary>Holds the turn until the test opens the gate, then records "finished".</summary>
    Task<string> HoldTurnAsync();

    /// <summary>Asks the runtime to deactivate this activation after the call.</summary>
    Task LeaveAsync();
}
