using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Reflection;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// nginx (the Debian package <c>scripts/test.sh</c> installs) running the shipped <c>deploy/nginx/platform.conf</c> in
/// front of nodes on loopback: the file as it is, with only its listen line pointed at a free loopback port, and the
/// node list it includes written here. Stops (the master process, by its id) when disposed.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _process;

    private NginxServer(string directory, Process process, Uri baseAddress)
    {
        _directory = directory;
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>A client of the nodes through this nginx, with <paramref name="bearer"/> as its API key when given.</summary>
    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(40) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>Starts nginx in front of <paramref name="nodes"/> and waits until it accepts connections.</summary>
    public static async Task<NginxServer> StartAsync(IEnumerable<Uri> nodes, CancellationToken cancellationToken)
    {
        var binary = new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed: scripts/test.sh installs the Debian package nginx.");
        var directory = Directory.CreateTempSubdirectory("nginx-").FullName;
        foreach (var temp in new[] { "body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            // The workers run as an unprivileged user when the tests run as root; they write request bodies here.
            var path = Directory.CreateDirectory(Path.Combine(directory, temp)).FullName;
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
            }
        }

        var port = FreePorts.Next();
        var deploy = typeof(NginxServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DeployPath").Value!;
        var shipped = await File.ReadAllTextAsync(Path.Combine(deploy, "nginx", "platform.conf"), cancellationToken);
        const string Listen = "    listen 80;";
        Assert.Contains(Listen, shipped, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(directory, "platform.conf"), shipped.Replace(Listen, $"    listen 127.0.0.1:{port};", StringComparison.Ordinal), cancellationToken);
        await File.WriteAllLinesAsync(
            Path.Combine(directory, "platform-nodes.conf"),
            nodes.Select(static n => $"server {n.Host}:{n.Port} max_fails=1 fail_timeout=5s;"),
            cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include platform.conf;
            }
            """, cancellationToken);

        var process = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList = { "-p", directory, "-c", Path.Combine(directory, "nginx.conf") },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var server = new NginxServer(directory, process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return server;
            }
            catch (SocketException) when (attempt < 100 && !process.HasExited)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log"), cancellationToken) : "";
                await server.DisposeAsync();
                throw new InvalidOperationException($"nginx did not start: {await process.StandardError.ReadToEndAsync(cancellationToken)} {log}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
