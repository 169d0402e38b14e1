using Platform.Silo.Tests.Storage;
using Platform.StorageCrashProbe;

namespace Platform.Silo.Tests.Providers;

/// <summary>
/// The providers the project owns (sqlite, postgres) also promise that an acknowledged write is durable: a writer
/// process killed mid-stream loses none of the writes it was told were stored. Azure's durability is Microsoft's.
/// </summary>
public abstract class DurableGrainStorageProviderContractTests(ProviderFixture fixture) : GrainStorageProviderContractTests(fixture)
{
    /// <summary>The probe's arguments for this provider's store: the provider name and where the store is.</summary>
    protected abstract (string Provider, string Target) ProbeTarget { get; }

    [Fact]
    public async Task Every_write_acknowledged_before_the_writer_process_is_killed_survives()
    {
        var (provider, target) = ProbeTarget;

        var acknowledged = await CrashProbeRunner.RunUntilKilledAsync(provider, target, "orleans");

        var missing = new List<int>();
        foreach (var n in acknowledged)
        {
            var state = new GrainState<CrashProbeState>();
            await Fixture.Storage.ReadStateAsync(CrashProbe.StateName, CrashProbe.Grain(n), state);
            if (!state.RecordExists || state.State!.Value != CrashProbe.Value(n))
            {
                missing.Add(n);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes are missing after the kill, e.g. {string.Join(", ", missing.Take(10))}.");
    }
}
