using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>What the gateway leaves on disk and in its logs: private files, no keys, one line per refusal, request ids.</summary>
public sealed class HygieneTests : IDisposable
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _parent = Directory.CreateTempSubdirectory("gateway-hygiene-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_data_directory_and_the_database_files_are_the_owners_alone()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var data = Path.Combine(_parent, "data");
        await using (var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Platform:DataDirectory"] = data, ["Silo:Sqlite:DataDirectory"] = data }))
        {
            using var client = gateway.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await HttpProbe.SendAsync(client, HttpMethod.Get, "/readyz")).StatusCode);
            using var created = await HttpProbe.SendAsync(client, HttpMethod.Get, "/api/workspace", bearer: "plat_x");

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            foreach (var file in Directory.GetFiles(data))
            {
                Assert.True((File.GetUnixFileMode(file) & GroupOrOthers) == 0, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
            }

            Assert.Contains(Path.Combine(data, "silo.db-wal"), Directory.GetFiles(data));
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_database_left_readable_by_others_is_narrowed_at_start()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var data = Path.Combine(_parent, "old");
        Directory.CreateDirectory(data);
        var db = Path.Combine(data, "silo.db");
        await File.WriteAllBytesAsync(db, [], HttpProbe.Ct);
        File.SetUnixFileMode(db, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Platform:DataDirectory"] = data, ["Silo:Sqlite:DataDirectory"] = data });
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await HttpProbe.SendAsync(client, HttpMethod.Get, "/readyz")).StatusCode);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(db));
    }

    [Fact]
    public async Task On_first_start_the_operator_key_is_not_printed_but_where_it_is_kept()
    {
        await using var process = new GatewayProcess(new Dictionary<string, string>());
        await process.StartAsync(HttpProbe.Ct);

        var keyFile = Path.Combine(process.DataDirectory, "operator.key");
        var key = (await File.ReadAllTextAsync(keyFile, HttpProbe.Ct)).Trim();
        Assert.StartsWith("op_", key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key[3..20], process.Output, StringComparison.Ordinal);
        Assert.Contains(keyFile, process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpClient_categories_log_nothing_below_warning_so_webhook_urls_stay_out_of_the_log()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>());
        using var client = gateway.CreateClient();
        var loggers = gateway.Services.GetRequiredService<ILoggerFactory>();

        foreach (var category in new[] { "System.Net.Http.HttpClient.webhook.LogicalHandler", "System.Net.Http.HttpClient.webhook.ClientHandler", "System.Net.Http.HttpClient.Default.LogicalHandler" })
        {
            var logger = loggers.CreateLogger(category);
            Assert.False(logger.IsEnabled(LogLevel.Information), $"{category} logs at Information");
            Assert.True(logger.IsEnabled(LogLevel.Warning), $"{category} hides warnings");
        }
    }

    [Fact]
    public async Task A_refused_key_writes_one_line_with_its_public_id_and_the_client_address_and_never_its_secret()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Platform:OperatorKey"] = ApiFixture.OperatorKey })
        {
            TestServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };
        using var client = gateway.CreateClient();
        var owner = await SecurityHeadersTests.OwnerKeyAsync(client);
        var publicId = string.Join('_', owner.Split('_', 4)[..3]);
        var secret = owner.Split('_', 4)[3];
        var forged = publicId + "_" + new string('A', secret.Length);

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Get, "/api/workspace", bearer: forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        var lines = logs.Lines.Where(l => l.Contains($"RequestId={requestId}", StringComparison.Ordinal) && !l.StartsWith("Debug", StringComparison.Ordinal) && !l.StartsWith("Trace", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.Contains(publicId, line, StringComparison.Ordinal);
        Assert.Contains("ClientAddress=", line, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('A', 20), line, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expected_refusal_logs_no_stack_trace_and_an_unexpected_failure_does()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Platform:OperatorKey"] = ApiFixture.OperatorKey })
        {
            TestServices = services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, HttpProbe.FailingRoutes>();
            },
        };
        using var client = gateway.CreateClient();
        var owner = await SecurityHeadersTests.OwnerKeyAsync(client);

        using var refused = await HttpProbe.SendAsync(client, HttpMethod.Put, "/api/budget", """{"monthlyCapMicros":"lots"}""", bearer: owner);
        using var unknownRun = await HttpProbe.SendAsync(client, HttpMethod.Get, "/api/runs/run_0000000000000000", bearer: owner);
        using var failed = await HttpProbe.SendAsync(client, HttpMethod.Get, HttpProbe.FailingV1Route);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        foreach (var expected in new[] { refused, unknownRun })
        {
            var id = Assert.Single(expected.Headers.GetValues("X-Request-Id"));
            Assert.DoesNotContain(logs.Lines, l => l.Contains($"RequestId={id}", StringComparison.Ordinal) && l.Contains("   at ", StringComparison.Ordinal));
        }

        var failedId = Assert.Single(failed.Headers.GetValues("X-Request-Id"));
        Assert.Contains(logs.Lines, l => l.Contains($"RequestId={failedId}", StringComparison.Ordinal) && l.Contains("unexpected failure for the test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_response_has_a_request_id_and_a_sane_one_from_the_client_is_kept_in_the_answer_and_the_log()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>())
        {
            TestServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };
        using var client = gateway.CreateClient();

        async Task<string> RequestIdAsync(string? sent)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/workspace", UriKind.Relative));
            request.Headers.Authorization = new("Bearer", "plat_not_a_key");
            if (sent is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Request-Id", sent);
            }

            using var response = await client.SendAsync(request, HttpProbe.Ct);
            return Assert.Single(response.Headers.GetValues("X-Request-Id"));
        }

        var first = await RequestIdAsync(null);
        var second = await RequestIdAsync(null);
        Assert.NotEqual(first, second);
        Assert.Equal("client-req_42.a:b", await RequestIdAsync("client-req_42.a:b"));
        Assert.Contains(logs.Lines, l => l.Contains("RequestId=client-req_42.a:b", StringComparison.Ordinal) && l.Contains("Refused key", StringComparison.Ordinal));

        var forged = await RequestIdAsync("evil\"id with spaces");
        Assert.NotEqual("evil\"id with spaces", forged);
        Assert.NotEqual(new string('x', 65), await RequestIdAsync(new string('x', 65)));
    }
}
