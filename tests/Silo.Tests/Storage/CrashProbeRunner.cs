using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Platform.Silo.Tests.Storage;

/// <summary>
/// Runs tests/StorageCrashProbe against a store, kills it once it has acknowledged enough writes, and returns every
/// write it acknowledged, including those still in the pipe when the kill landed.
/// </summary>
internal static class CrashProbeRunner
{
    private const int AcksBeforeKill = 200;
    private static readonly TimeSpan AckDeadline = TimeSpan.FromSeconds(90);

    public static async Task<IReadOnlyList<int>> RunUntilKilledAsync(string provider, string target, string mode)
    {
        var probe = typeof(CrashProbeRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(static a => a.Key == "StorageCrashProbePath").Value!;
        Assert.True(File.Exists(probe), $"The crash probe was not built at {probe}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { probe, provider, target, "10000000", mode })
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
}
