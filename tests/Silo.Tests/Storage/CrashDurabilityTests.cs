using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

using Platform.Silo.Storage;
using Platform.StorageCrashProbe;

namespace Platform.Silo.Tests.Storage;

/// <summary>Kills a writing process and checks that every write it had acknowledged is still stored.</summary>
public sealed class CrashDurabilityTests(PostgresClusterFixture postgres)
{
    private const int AcksBeforeKill = 200;
    private static readonly TimeSpan AckDeadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Sqlite_writes_acknowledged_before_the_process_is_killed_survive()
    {
        var directory = Directory.CreateTempSubdirectory("silo-crash-");
        try
        {
            var acknowledged = await RunProbeUntilKilledAsync("sqlite", directory.FullName);

            await using var host = await StorageHost.StartSqliteAsync(directory.FullName);
            await AssertAllStoredAsync(host.Store, acknowledged);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_writes_acknowledged_before_the_process_is_killed_survive()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync("crash", TestContext.Current.CancellationToken);

        var acknowledged = await RunProbeUntilKilledAsync("postgres", database);

        await using var host = await StorageHost.StartPostgresAsync(database);
        await AssertAllStoredAsync(host.Store, acknowledged);
    }

    private static async Task<IReadOnlyList<int>> RunProbeUntilKilledAsync(string provider, string target)
    {
        var probe = typeof(CrashDurabilityTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(static a => a.Key == "StorageCrashProbePath").Value!;
        Assert.True(File.Exists(probe), $"The crash probe was not built at {probe}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { probe, provider, target, "10000000" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var acknowledged = new List<int>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(AckDeadline);
        try
        {
            while (acknowledged.Count < AcksBeforeKill)
            {
                var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
                if (line is null)
                {
                    Assert.Fail($"The crash probe exited after {acknowledged.Count} acknowledgements, before {AcksBeforeKill}: {await errors}");
                }

                Collect(line, acknowledged);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"Waited {AckDeadline.TotalSeconds} s for {AcksBeforeKill} acknowledged writes from the crash probe; got {acknowledged.Count}.");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // Acknowledgements already in the pipe when the kill landed are promises too.
        string? rest;
        while ((rest = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken)) is not null)
        {
            Assert.NotEqual("done", rest);
            Collect(rest, acknowledged);
        }

        return acknowledged;
    }

    private static void Collect(string line, List<int> acknowledged)
    {
        if (line.StartsWith("ack ", StringComparison.Ordinal))
        {
            acknowledged.Add(int.Parse(line.AsSpan(4), CultureInfo.InvariantCulture));
        }
    }

    private static async Task AssertAllStoredAsync(IGrainStateStore storage, IReadOnlyList<int> acknowledged)
    {
        var missing = new List<int>();
        foreach (var n in acknowledged)
        {
            var stored = await storage.ReadAsync(CrashProbe.Grain(n), CrashProbe.StateName, TestContext.Current.CancellationToken);
            if (stored?.Payload is null || Encoding.UTF8.GetString(stored.Payload) != CrashProbe.Value(n))
            {
                missing.Add(n);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes are missing after the kill, e.g. {string.Join(", ", missing.Take(10))}.");
    }
}
