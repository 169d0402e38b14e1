namespace Platform.Silo.Tests.Grains;

public sealed class StressTurnGrain : Grain, IStressTurnGrain
{
    private int _touches;
    private bool _slowLeave;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_slowLeave)
        {
            TestGates.Record(PrimaryKey, "deactivate-start");
            await TestGates.Gate($"{PrimaryKey}/leave").Task;
            TestGates.Record(PrimaryKey, "deactivate-end");
        }
    }

    public Task KickAsync(IStressRelayGrain relay)
    {
        // Fire and forget on purpose: the relay's call outlives this request.
        _ = relay.CallBackLaterAsync(GrainFactory.GetGrain<IStressTurnGrain>(PrimaryKey));
        return Task.CompletedTask;
    }

    public async Task HoldAsync()
    {
        var stats = StressStats.For(PrimaryKey);
        stats.Enter();
        TestGates.Record(PrimaryKey, "hold-start");
        await TestGates.Gate(PrimaryKey).Task;
        TestGates.Record(PrimaryKey, "hold-end");
        stats.Leave();
    }

    public Task TouchAsync()
    {
        var stats = StressStats.For(PrimaryKey);
        stats.Enter();
        TestGates.Record(PrimaryKey, "touch");
        _touches++;
        stats.Leave();
        return Task.CompletedTask;
    }

    public Task<int> TouchesAsync() => Task.FromResult(_touches);

    public Task LeaveSlowlyAsync()
    {
        _slowLeave = true;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
