// Writes grain states until killed, printing "ack <n>" only after write n is acknowledged (durable, by contract).
// The durability tests kill this process mid-stream and check that every acknowledged write is still there.
// Mode "bytes" writes through the project's IGrainStateStore; "orleans" through Orleans' IGrainStorage over it,
// the interface grains use.
using System.Globalization;
using System.Text;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Orleans.Providers;

using Platform.Silo.Storage;
using Platform.StorageCrashProbe;

if (args.Length is not (3 or 4) || args[0] is not ("sqlite" or "postgres") || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var count)
    || (args.Length == 4 && args[3] is not ("bytes" or "orleans")))
{
    Console.Error.WriteLine("usage: Platform.StorageCrashProbe sqlite|postgres <data directory | connection string> <count> [bytes|orleans]");
    return 2;
}

var throughOrleans = args.Length == 4 && args[3] == "orleans";
var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
services.AddSingleton<IGrainContextAccessor, NoGrainContext>();
if (args[0] == "sqlite")
{
    services.AddSqliteGrainStorage(options => options.DataDirectory = args[1]);
}
else
{
    services.AddPostgresGrainStorage(options => options.ConnectionString = args[1]);
}

await using var provider = services.BuildServiceProvider();
foreach (var initializer in provider.GetServices<IStorageInitializer>())
{
    await initializer.InitializeAsync(CancellationToken.None);
}

var store = provider.GetRequiredService<IGrainStateStore>();
var grainStorage = provider.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
var next = -1;
var output = new object();

// Several writers at once, so acknowledged writes come out of shared group commits, as they do in a silo.
await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
{
    int n;
    while ((n = Interlocked.Increment(ref next)) < count)
    {
        if (throughOrleans)
        {
            await grainStorage.WriteStateAsync(CrashProbe.StateName, CrashProbe.Grain(n), new Orleans.GrainState<CrashProbeState>(new CrashProbeState { Value = CrashProbe.Value(n) }));
        }
        else
        {
            await store.WriteAsync(CrashProbe.Grain(n), CrashProbe.StateName, Encoding.UTF8.GetBytes(CrashProbe.Value(n)), expectedEtag: null);
        }

        lock (output)
        {
            Console.Out.WriteLine($"ack {n}");
            Console.Out.Flush();
        }
    }
})));

Console.Out.WriteLine("done");
return 0;
