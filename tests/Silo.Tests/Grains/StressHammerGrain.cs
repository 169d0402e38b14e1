namespace Platform.Silo.Tests.Grains;

public sealed class StressHammerGrain : Grain, IStressHammerGrain
{
    private int _count;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        StressStats.For(PrimaryKey).Activated();
        await Task.Yield();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await Task.Yield();
        StressStats.For(PrimaryKey).Deactivated();
    }

    public async Task<int> HitAsync(long callId, int leaveEvery)
    {
        var stats = StressStats.For(PrimaryKey);
        stats.Enter();
        stats.RecordRun(callId);
        var read = _count;
        await Task.Yield();
        await Task.Yield();
        _count = read + 1;
        if (leaveEvery > 0 && callId % leaveEvery == 0)
        {
            DeactivateOnIdle();
        }

        stats.Leave();
        return _count;
    }

    public Task<int> PeekAsync() => Task.FromResult(_count);
}
