using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Platform.Testing;

/// <summary>
/// A throw-away RabbitMQ node for tests (Debian's <c>rabbitmq-server</c>): its own node name, data directory, cookie and
/// Erlang port mapper, listening for AMQP on a free loopback port with a user of its own and a random password. It can be
/// stopped and started again on the same port and data, so a test can take the broker away and bring it back with its
/// durable queues and persistent messages.
/// </summary>
public sealed class TemporaryRabbitMqServer : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/rabbitmq/bin";

    // RabbitMQ's command-line tools take their own distribution ports from 35672-35682; an AMQP listener there fails to
    // bind whenever a tool happens to be running.
    private const int CliPortsFirst = 35672;
    private const int CliPortsLast = 35682;

    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(90);

    private readonly string _root;
    private readonly string _nodeName;
    private int _distributionPort;
    private readonly int _portMapperPort;
    private Process? _server;

    private TemporaryRabbitMqServer(string root)
    {
        _root = root;
        _nodeName = $"platform-test-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}@localhost";
        Port = FreePortOutsideCliRange();
        _portMapperPort = FreePortOutsideCliRange();
        Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
    }

    /// <summary>The AMQP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The broker's only user.</summary>
    public string Username { get; } = "platform";

    /// <summary>The user's password, so tests can check that it never leaks.</summary>
    public string Password { get; }

    /// <summary>Whether the node is running.</summary>
    public bool IsRunning => _server is { HasExited: false };

    /// <summary>Gateway settings for <c>Platform:Bus:Transport=rabbitmq</c> on this broker.</summary>
    public Dictionary<string, string?> BusSettings() => new(StringComparer.Ordinal)
    {
        ["Platform:Bus:Transport"] = "rabbitmq",
        ["Platform:Bus:RabbitMq:Host"] = "127.0.0.1",
        ["Platform:Bus:RabbitMq:Port"] = Port.ToString(CultureInfo.InvariantCulture),
        ["Platform:Bus:RabbitMq:Username"] = Username,
        ["Platform:Bus:RabbitMq:Password"] = Password,
    };

    /// <summary>Starts a node and waits until it accepts connections.</summary>
    public static async Task<TemporaryRabbitMqServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(BinDirectory, "rabbitmq-server")))
        {
            var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
            throw new InvalidOperationException(inCi
                ? "RabbitMQ tests never skip in CI, but rabbitmq-server is not installed; scripts/test.sh installs the Debian package 'rabbitmq-server'."
                : "rabbitmq-server is not installed: run scripts/test.sh once, or 'apt-get install -y rabbitmq-server'.");
        }

        var server = new TemporaryRabbitMqServer(Directory.CreateTempSubdirectory("platform-rabbitmq-").FullName);
        try
        {
            await server.WriteConfigurationAsync(cancellationToken);
            await server.StartNodeAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the node (clients are disconnected), keeping its data for <see cref="StartNodeAsync"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!IsRunning)
        {
            return;
        }

        await RunToolAsync("rabbitmqctl", ["stop"], cancellationToken);
        await _server!.WaitForExitAsync(cancellationToken);
        _server.Dispose();
        _server = null;
    }

    /// <summary>Starts the node (again) on the same port and data directory and waits until it accepts connections.</summary>
    public async Task StartNodeAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            return;
        }

        // A fresh distribution port on every start: only the AMQP port must survive a restart, and while the node was
        // down the old one may have become some outgoing connection's ephemeral port (seen once: dist_port_already_used).
        _distributionPort = FreePortOutsideCliRange();
        var start = new ProcessStartInfo(Path.Combine(BinDirectory, "rabbitmq-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        AddEnvironment(start);
        _server = Process.Start(start) ?? throw new InvalidOperationException("Could not start rabbitmq-server.");
        var server = _server;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            while (output.Count > 40)
            {
                output.TryDequeue(out _);
            }
        }

        server.OutputDataReceived += (_, e) => Keep(e.Data);
        server.ErrorDataReceived += (_, e) => Keep(e.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        // await_startup gives up at once while the node has not yet registered with its port mapper, which on a cold
        // machine (the first boot of Erlang after the package was installed) takes a few seconds: ask again until then.
        var deadline = DateTime.UtcNow + s_startDeadline;
        while (true)
        {
            try
            {
                await RunToolAsync("rabbitmqctl", ["await_startup", "--timeout", "120"], cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (!server.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellationToken);
            }
            catch (InvalidOperationException ex) when (server.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with {server.ExitCode} while starting: {string.Join('\n', output)}", ex);
            }
        }
    }

    /// <summary>Stops the node and its port mapper and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await StopAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
                // The tool could not reach it: end the node we started ourselves.
                _server?.Kill(entireProcessTree: true);
            }
        }

        _server?.Dispose();
        _server = null;
        try
        {
            // The port mapper is a daemon the node started on a port of its own; nobody else uses that port.
            await RunProcessAsync("epmd", ["-kill"], AddEnvironment, CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; failing the test run over it is not.
        }
    }

    private async Task WriteConfigurationAsync(CancellationToken cancellationToken)
    {
        var home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;

        // The node's Erlang cookie, written before anything starts: left to Erlang, the server and the first
        // rabbitmqctl (started a moment later) race to create it, and the loser reads a half-made file and stops
        // (seen in CI as "auth,read_cookie"). Erlang accepts it only when its owner alone can read it.
        var cookie = Path.Combine(home, ".erlang.cookie");
        await File.WriteAllTextAsync(cookie, System.Security.Cryptography.RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 20), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }
        var configuration = string.Join('\n',
            $"listeners.tcp.1 = 127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
            $"default_user = {Username}",
            $"default_pass = {Password}",
            "default_permissions.configure = .*",
            "default_permissions.read = .*",
            "default_permissions.write = .*",
            "loopback_users = none",
            "log.console = false",
            "log.file.level = warning",
            // Tests fill no disk; the default 50 MB free-space alarm would block publishers on a full shared /tmp.
            "disk_free_limit.absolute = 1MB");
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq.conf"), configuration + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq-env.conf"), "", cancellationToken);
    }

    private void AddEnvironment(ProcessStartInfo start)
    {
        var environment = start.Environment;
        environment["HOME"] = Path.Combine(_root, "home");
        environment["RABBITMQ_NODENAME"] = _nodeName;
        environment["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(CultureInfo.InvariantCulture);
        environment["ERL_EPMD_PORT"] = _portMapperPort.ToString(CultureInfo.InvariantCulture);
        environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_root, "mnesia");
        environment["RABBITMQ_LOG_BASE"] = Path.Combine(_root, "log");
        environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_root, "rabbitmq");
        environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_root, "enabled_plugins");
        environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_root, "rabbitmq-env.conf");
        environment["RABBITMQ_PID_FILE"] = Path.Combine(_root, "rabbitmq.pid");
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunProcessAsync(Path.Combine(BinDirectory, tool), arguments, AddEnvironment, cancellationToken);

    private static async Task RunProcessAsync(string fileName, IReadOnlyList<string> arguments, Action<ProcessStartInfo> configure, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        configure(start);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    private static int FreePortOutsideCliRange()
    {
        while (true)
        {
            var port = FreePorts.Next();
            if (port is < CliPortsFirst or > CliPortsLast)
            {
                return port;
            }
        }
    }
}
