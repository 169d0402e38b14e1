namespace Platform.Silo.Tests.Grains;

[GrainType("test-counter")]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public const string GrainTypeName = "test-counter";

    private readonly Guid _activation = Guid.NewGuid();

    private string Key => this.GetPrimaryKeyString();

    public async Task<int> IncrementAsync()
    {
        // Memory moves first, as in the platform's grains: a failed write leaves it ahead of storage.
        state.State.Value++;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task<bool> RecordExistsAsync() => Task.FromResult(state.RecordExists);

    public Task ClearAsync() => state.ClearStateAsync();

    public Task SetNoteAsync(string note)
    {
        state.State.Note = note;
        return state.WriteStateAsync();
    }

    public Task<string> GetNoteAsync() => Task.FromResult(state.State.Note);

    public Task<Guid> ActivationIdAsync() => Task.FromResult(_activation);

    public async Task<int> IncrementAfterGateAsync()
    {
        TestGates.Record(Key, "holding");
        await TestGates.Gate(Key).Task;
        var value = await IncrementAsync();
        TestGates.Record(Key, "written");
        return value;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        TestGates.Record(Key, $"deactivated:{reason.ReasonCode}");
        return Task.CompletedTask;
    }
}
