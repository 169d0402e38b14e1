namespace Platform.Benchmarks.Grains;

[GrainType("bench-state")]
public sealed class StateGrain([PersistentState("small")] IPersistentState<SmallState> state) : Grain, IStateGrain
{
    public Task SetAsync(int value)
    {
        state.State.Value = value;
        state.State.UpdatedAtUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return state.WriteStateAsync();
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);
}
