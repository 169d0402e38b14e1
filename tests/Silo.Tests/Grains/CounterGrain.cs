namespace Platform.Silo.Tests.Grains;

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    public async Task<int> IncrementAsync()
    {
        counter.State.Value++;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(counter.State.Value);

    public async Task SetNoteAsync(string note)
    {
        counter.State.Note = note;
        await counter.WriteStateAsync();
    }

    public Task<string> GetNoteAsync() => Task.FromResult(counter.State.Note);

    public Task ClearAsync() => counter.ClearStateAsync();

    public Task<bool> RecordExistsAsync() => Task.FromResult(counter.RecordExists);
}
