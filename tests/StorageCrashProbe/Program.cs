// Writes grain states until killed, printing "ack <n>" only after write n is acknowledged (durable, by contract).
// The durability test kills this process mid-stream and checks that every acknowledged write is still there.
using System.Globalization;
using System.Text;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Platform.Silo.Storage;
using Platform.StorageCrashProbe;

if (args.Length != 3 || args[0] is not ("sqlite" or "postgres") || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var count))
{
    Console.Error.WriteLine("usage: Platform.StorageCrashProbe sqlite|postgres <data directory | connection string> <count>");
    return 2;
}

var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
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

var storage = provider.GetRequiredService<IGrainStateStore>();
var next = -1;
var output = new object();

// Several writers at once, so acknowledged writes come out of shared group commits, as they do in a silo.
await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
{
    int n;
    while ((n = Interlocked.Increment(ref next)) < count)
    {
        await storage.WriteAsync(CrashProbe.Grain(n), CrashProbe.StateName, Encoding.UTF8.GetBytes(CrashProbe.Value(n)), expectedEtag: null);
        lock (output)
        {
            Console.Out.WriteLine($"ack {n}");
            Console.Out.Flush();
        }
    }
})));

Console.Out.WriteLine("done");
return 0;
