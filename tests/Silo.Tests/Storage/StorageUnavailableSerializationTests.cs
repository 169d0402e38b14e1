using Microsoft.Extensions.DependencyInjection;

using Orleans.Serialization;

namespace Platform.Silo.Tests.Storage;

/// <summary>
/// What each store throws while it is down must cross a grain call as <see cref="StorageUnavailableException"/> (the
/// gateway answers 503 for it). Orleans serializes inner exceptions too and has no codec for a driver's own types, so
/// a store that wrapped one would reach callers as CodecNotFoundException.
/// </summary>
public sealed class StorageUnavailableSerializationTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("silo-unavailable-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Sqlite_unavailability_round_trips_through_orleans_serialization()
    {
        var blocker = Path.Combine(_directory.FullName, "blocker");
        await File.WriteAllTextAsync(blocker, "not a directory", Ct);
        await using var host = await StorageHost.StartSqliteAsync(Path.Combine(blocker, "data"), initialize: false);

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => host.Store.ReadAsync(GrainId.Create("sqlite", "down"), "state", Ct));

        AssertRoundTrips(failure);
    }

    [Fact]
    public async Task Postgres_unavailability_round_trips_through_orleans_serialization()
    {
        // A port nobody listens on: the connection is refused at once.
        var port = Platform.Testing.FreePorts.Next();
        await using var host = await StorageHost.StartUninitializedPostgresAsync($"Host=127.0.0.1;Port={port};Username=u;Password=p;Database=d");

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => host.Store.ReadAsync(GrainId.Create("postgres", "down"), "state", Ct));

        AssertRoundTrips(failure);
    }

    private static void AssertRoundTrips(StorageUnavailableException failure)
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(failure));

        var unavailable = Assert.IsType<StorageUnavailableException>(copy);
        Assert.Equal(failure.Message, unavailable.Message);
    }
}
