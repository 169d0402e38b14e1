namespace Platform.Silo.Tests.Grains;

public sealed class StressRelayGrain : Grain, IStressRelayGrain
{
    public async Task CallBackLaterAsync(IStressTurnGrain origin)
    {
        await TestGates.Gate(PrimaryKey).Task;
        var originKey = ((IGrainReference)origin).GrainId.Key;
        var touch = origin.TouchAsync();
        TestGates.Record(originKey, "relay-called");
        await touch;
    }
}
