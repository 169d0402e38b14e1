using System.Diagnostics;
using System.Globalization;

using Platform.Testing;

namespace Platform.Silo.Tests.Providers;

/// <summary>
/// Microsoft's Azure Storage emulator (npm <c>azurite</c>, Table service only) on 127.0.0.1 and a free port, in
/// memory, for the tests that use it; disposing it ends the process. It never skips: without Node.js the Azure tests fail and say why, in CI as anywhere.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    // Azurite's well-known development account; public, and accepted only by the emulator.
    private const string Account = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private Process? _process;

    /// <summary>The connection string of the emulator's Table endpoint.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var main = await AzuriteInstall.EnsureInstalledAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        var port = FreePorts.Next();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[main, "--tableHost", "127.0.0.1", "--tablePort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent"])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The Azure storage tests run Azurite with Node.js, which is not on PATH (scripts/test.sh installs it).", e);
        }

        var errors = _process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(StartTimeout);
        try
        {
            while (true)
            {
                var line = await _process.StandardOutput.ReadLineAsync(deadline.Token)
                    ?? throw new InvalidOperationException($"Azurite exited before it started: {await errors}");
                if (line.Contains("successfully started", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Azurite did not start within {StartTimeout.TotalSeconds} s.");
        }

        // Keep draining its output so a chatty emulator never blocks on a full pipe.
        _ = _process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{Account};";
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }
}
