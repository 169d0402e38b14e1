namespace Platform.Silo.Tests.Grains;

public sealed class LifecycleGrain : Grain, ILifecycleGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        TestGates.Record(PrimaryKey, "activated");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        TestGates.Record(PrimaryKey, $"deactivated:{reason}");
        return Task.CompletedTask;
    }

    public Task<Guid> ActivationIdAsync() => Task.FromResult(_activationId);

    public async Task<string> HoldTurnAsync()
    {
        TestGates.Record(PrimaryKey, "holding");
        await TestGates.Gate(PrimaryKey).Task;
        TestGates.Record(PrimaryKey, "finished");
        return "finished";
    }

    public Task LeaveAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
