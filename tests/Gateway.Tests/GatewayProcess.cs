using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// The built gateway as a real process (<c>dotnet Platform.Gateway.dll</c>) on 127.0.0.1 and a port the OS picks, with
/// its data in a temp directory that survives <see cref="Kill"/> and <see cref="StartAsync"/>, so a test can kill it
/// mid-run and start it again on the same data. Captures stdout and stderr (the logs) of every start, and every
/// response body received through <see cref="Client"/>. Disposal kills the process and removes the data directory.
/// Each start gets its own silo ports (<see cref="FreePorts"/>).
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _responses = new();
    private Process? _process;

    /// <param name="environment">Extra environment (configuration as <c>Section__Key</c>); data directories are set here.</param>
    public GatewayProcess(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        DataDirectory = Directory.CreateTempSubdirectory("gateway-process-").FullName;
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Platform__DataDirectory"] = DataDirectory,
            ["Silo__Sqlite__DataDirectory"] = DataDirectory,
        };
        foreach (var (key, value) in environment)
        {
            _environment[key] = value;
        }
    }

    /// <summary>The data directory (SQLite file, key file); kept across restarts.</summary>
    public string DataDirectory { get; }

    /// <summary>The current process's base address; changes with every start.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Every line the process (every start of it) wrote to stdout or stderr.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Every response body received through a <see cref="Client"/>.</summary>
    public IReadOnlyCollection<string> ResponseBodies => [.. _responses];

    /// <summary>Starts the gateway and waits until <c>/healthz</c> answers 200.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The gateway process is running already.");
        }

        var dll = typeof(GatewayProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GatewayPath").Value!;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { dll, "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        // The co-hosted silo binds ports of its own; fresh ones on every start, so a killed predecessor's sockets
        // (and tests running in parallel) cannot be in the way. Its state is keyed by the pinned ServiceId, not the ports.
        foreach (var (key, value) in FreePorts.ForSilo())
        {
            if (!_environment.ContainsKey(key.Replace(":", "__", StringComparison.Ordinal)))
            {
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        // Kestrel logs the port the OS gave it; that line is how the test learns the address (no port race).
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not { } line)
            {
                return;
            }

            _output.Enqueue(line);
            const string Marker = "Now listening on: ";
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + Marker.Length)..].Trim().TrimEnd('/') + "/"));
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_startDeadline);
        var exited = process.WaitForExitAsync(deadline.Token);
        if (await Task.WhenAny(listening.Task, exited) != listening.Task)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(process.HasExited
                ? $"The gateway exited with code {process.ExitCode} before listening. Output:\n{Output}"
                : $"The gateway did not log its listening address within {s_startDeadline.TotalSeconds} s. Output:\n{Output}");
        }

        BaseAddress = await listening.Task;

        using var http = new HttpClient { BaseAddress = BaseAddress };
        while (true)
        {
            try
            {
                using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative), deadline.Token);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The gateway's /healthz did not answer 200 within {s_startDeadline.TotalSeconds} s. Output:\n{Output}");
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Kills the process and its children at once (no graceful shutdown) and waits until it has exited.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    /// <summary>Stops the process where it stands (SIGSTOP): it keeps its sockets and memory but answers nothing, as a node frozen by its host would.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Lets a paused process run on (SIGCONT), with whatever it believed before it was paused.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    /// <summary>Kills the process (as <see cref="KillAsync"/>).</summary>
    public void Kill() => KillAsync().GetAwaiter().GetResult();

    /// <summary>A client for the current process with <paramref name="bearer"/>, recording every response body.</summary>
    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient(new RecordingHandler(_responses)) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("The gateway process is not running.");
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} exited with {kill.ExitCode}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is not a test failure.
        }
    }

    private sealed class RecordingHandler(ConcurrentQueue<string> responses) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            responses.Enqueue(await response.Content.ReadAsStringAsync(cancellationToken));
            return response;
        }
    }
}
