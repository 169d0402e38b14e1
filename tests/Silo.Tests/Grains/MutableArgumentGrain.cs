namespace Platform.Silo.Tests.Grains;

public sealed class MutableArgumentGrain : Grain, IMutableArgumentGrain
{
    public Task AddAllAsync(List<string> items) => Task.CompletedTask;
}
