using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

using Npgsql;

namespace Platform.Testing;

/// <summary>
/// A throw-away PostgreSQL server for tests: <c>initdb</c> into a fresh temporary directory, listening on a free
/// loopback port, with fsync on so durability tests mean something. When <c>PLATFORM_TEST_POSTGRES</c> holds a
/// connection string that server is used instead (and cannot be stopped or restarted).
/// </summary>
public sealed class TemporaryPostgresCluster : IAsyncDisposable
{
    /// <summary>The environment variable naming an existing server to use instead of starting one.</summary>
    public const string ExternalServerVariable = "PLATFORM_TEST_POSTGRES";

    private const string SuperUser = "postgres";
    private const string OsUser = "postgres";

    private readonly string? _externalConnectionString;
    private readonly List<string> _databases = [];
    private string? _binDirectory;
    private string? _root;
    private bool _running;

    private TemporaryPostgresCluster(string? externalConnectionString) => _externalConnectionString = externalConnectionString;

    /// <summary>A superuser connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The superuser's password, so tests can check that it never leaks.</summary>
    public string Password { get; private set; } = "";

    /// <summary>The port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Whether this cluster is a local server the tests own (stop and restart work).</summary>
    public bool IsLocal => _externalConnectionString is null;

    /// <summary>
    /// Starts a cluster. With <paramref name="allowExternal"/> and <see cref="ExternalServerVariable"/> set, uses that server;
    /// tests that stop the server pass <see langword="false"/> to always get their own.
    /// </summary>
    public static async Task<TemporaryPostgresCluster> StartAsync(bool allowExternal = true, CancellationToken cancellationToken = default)
    {
        var external = allowExternal ? Environment.GetEnvironmentVariable(ExternalServerVariable) : null;
        if (!string.IsNullOrWhiteSpace(external))
        {
            var builder = new NpgsqlConnectionStringBuilder(external);
            return new TemporaryPostgresCluster(external)
            {
                ConnectionString = external,
                Password = builder.Password ?? "",
                Port = builder.Port,
                _running = true,
            };
        }

        var cluster = new TemporaryPostgresCluster(null);
        try
        {
            await cluster.CreateAsync(cancellationToken);
            await cluster.StartServerAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a fresh database and returns a connection string to it, so test classes do not see each other's rows.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name, Pooling = true }.ToString();
    }

    /// <summary>Stops the server (fast shutdown: clients are disconnected), keeping its data for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        RequireLocal();
        if (!_running)
        {
            return;
        }

        await RunAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], cancellationToken);
        _running = false;
    }

    /// <summary>Starts the server again on the same port and data directory.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        RequireLocal();
        if (_running)
        {
            await StopAsync(cancellationToken);
        }

        await StartServerAsync(cancellationToken);
    }

    /// <summary>Stops the server and deletes its directory; on an external server, drops the databases this instance created.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_root is null)
        {
            await DropDatabasesAsync();
            return;
        }

        if (_running && _binDirectory is not null)
        {
            try
            {
                await RunAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60"], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Already gone; deleting the directory is all that is left to do.
            }

            _running = false;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; failing the test run over it is not.
        }

        _root = null;
    }

    private string DataDirectory => Path.Combine(_root!, "data");

    // A local cluster's databases go with its directory; an external server keeps them unless they are dropped.
    private async Task DropDatabasesAsync()
    {
        if (_databases.Count == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        _databases.Clear();
    }

    private static bool RunsAsRoot => Environment.IsPrivilegedProcess;

    private void RequireLocal()
    {
        if (!IsLocal)
        {
            throw new InvalidOperationException($"This cluster is the external server from {ExternalServerVariable}; tests cannot stop or restart it.");
        }
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        _binDirectory = FindBinDirectory();
        _root = Directory.CreateTempSubdirectory("platform-pg-").FullName;
        Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var passwordFile = Path.Combine(_root, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken);
        if (RunsAsRoot)
        {
            // initdb refuses to run as root; the server runs as the postgres OS user, which must own its directory.
            await RunProcessAsync("chown", ["-R", $"{OsUser}:{OsUser}", _root], cancellationToken);
        }

        await RunAsync("initdb", ["-D", DataDirectory, "-U", SuperUser, "--pwfile", passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], cancellationToken);
        File.Delete(passwordFile);

        Port = FreeLoopbackPort();
        var settings = string.Join('\n',
            "listen_addresses = '127.0.0.1'",
            $"port = {Port.ToString(CultureInfo.InvariantCulture)}",
            $"unix_socket_directories = '{_root}'",
            "fsync = on",
            "synchronous_commit = on",
            "max_connections = 200",
            "shared_buffers = 32MB");
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), "\n" + settings + "\n", cancellationToken);
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Password = Password,
            Database = "postgres",
        }.ToString();
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        await RunAsync("pg_ctl", ["start", "-D", DataDirectory, "-l", Path.Combine(_root!, "server.log"), "-w", "-t", "60"], cancellationToken);
        _running = true;
    }

    private static string FindBinDirectory()
    {
        var candidates = new List<string>();
        try
        {
            var output = RunProcessAsync("pg_config", ["--bindir"], CancellationToken.None).GetAwaiter().GetResult().Trim();
            candidates.Add(output);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // No pg_config on PATH: fall back to Debian's versioned layout below.
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(static d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(static d => Path.Combine(d, "bin")));
        }

        var found = candidates.FirstOrDefault(static d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        if (found is not null)
        {
            return found;
        }

        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        throw new InvalidOperationException(inCi
            ? "PostgreSQL tests never skip in CI, but no PostgreSQL server binaries were found (looked for initdb via pg_config --bindir and /usr/lib/postgresql/*/bin). Install the Debian package 'postgresql' in the CI script."
            : $"No PostgreSQL server binaries found (pg_config --bindir, /usr/lib/postgresql/*/bin). Install the Debian package 'postgresql', or set {ExternalServerVariable} to a connection string.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<string> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binDirectory!, tool);
        return RunsAsRoot
            ? RunProcessAsync("runuser", ["-u", OsUser, "--", path, .. arguments], cancellationToken)
            : RunProcessAsync(path, arguments, cancellationToken);
    }

    private static async Task<string> RunProcessAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments.Where(static a => !a.Contains("pwfile", StringComparison.Ordinal)))} exited with {process.ExitCode}: {await error}{await output}");
        }

        return await output;
    }
}
