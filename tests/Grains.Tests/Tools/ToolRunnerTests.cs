using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Platform.Grains.Interfaces.Notes;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Tests.Egress;
using Platform.Grains.Tools;
using Platform.Silo.Isolation;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Grains.Tests.Tools;

/// <summary>The tool runner in a silo over SQLite, against real SMTP and HTTP listeners on loopback.</summary>
public sealed class ToolRunnerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tools-").FullName;
    private readonly SmtpTestServer _smtp = new();
    private LoopbackWebServer _hooks = null!;
    private readonly ScriptedHostResolver _dns = new();
    private PlatformTestCluster _silo = null!;

    private IToolRunner Runner => _silo.Services.GetRequiredService<IToolRunner>();

    private IToolCatalog Catalog => _silo.Services.GetRequiredService<IToolCatalog>();

    public async ValueTask InitializeAsync()
    {
        _hooks = await LoopbackWebServer.StartAsync(static r => r.Path.EndsWith("/fail", StringComparison.Ordinal) ? Results.StatusCode(500) : Results.Ok());
        _silo = await ToolsSilo.StartAsync(_directory, new Dictionary<string, string?>
        {
            ["Platform:Smtp:Host"] = "127.0.0.1",
            ["Platform:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Platform:Smtp:From"] = "agent@platform.example.test",
            ["Platform:Egress:PrivateNetworkAllowlist:0"] = $"127.0.0.1:{_hooks.Address.Port}",
        },
        storage: services =>
        {
            services.AddSqliteGrainStorage(o => o.DataDirectory = _directory);

            // A name the workspace may allowlist (it is not an IP literal nor localhost) that resolves to loopback later.
            services.AddSingleton<Platform.Grains.Egress.IHostResolver>(_dns.Answer("hooks.internal.test", ["127.0.0.1"]));
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _hooks.DisposeAsync();
        await _smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Notes_are_stored_only_as_ciphertext_and_read_back_as_text()
    {
        var workspace = NewWorkspace();
        const string Secret = "The vault code is CANARY-7f3a9c";

        var written = await RunAsync(workspace, ToolNames.NotesWrite, new { text = Secret }, "call-1");
        var read = await RunAsync(workspace, ToolNames.NotesRead, new { }, "call-2");

        Assert.True(written.Succeeded, written.Result);
        Assert.Equal(["note:note-1"], written.Touched);
        Assert.True(read.Succeeded, read.Result);
        using var notes = JsonDocument.Parse(read.Result);
        Assert.Equal(Secret, Assert.Single(notes.RootElement.GetProperty("notes").EnumerateArray()).GetProperty("text").GetString());

        await _silo.StopAsync();
        SqliteConnection.ClearAllPools();
        var stored = Directory.GetFiles(_directory).Where(static f => !f.EndsWith("keys.json", StringComparison.Ordinal)).Select(File.ReadAllBytes).ToList();
        Assert.Contains(stored, static bytes => bytes.AsSpan().IndexOf("note-1"u8) >= 0);
        Assert.All(stored, static bytes => Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("CANARY-7f3a9c")) < 0, "the note's plaintext is in the store"));
    }

    [Fact]
    public async Task A_repeated_write_with_the_same_idempotency_key_writes_once()
    {
        var workspace = NewWorkspace();

        var first = await RunAsync(workspace, ToolNames.NotesWrite, new { text = "Buy milk" }, "call-1");
        var again = await RunAsync(workspace, ToolNames.NotesWrite, new { text = "Buy milk" }, "call-1");
        var other = await RunAsync(workspace, ToolNames.NotesWrite, new { text = "Buy milk" }, "call-2");

        Assert.Equal("Saved note note-1.", first.Result);
        Assert.Equal("Note note-1 was saved already.", again.Result);
        Assert.Equal("Saved note note-2.", other.Result);
        Assert.Equal(2, (await _silo.Grains.GetGrain<INotesGrain>(workspace).ReadAsync()).Length);
    }

    [Fact]
    public async Task Notes_of_one_workspace_are_not_read_in_another()
    {
        var a = NewWorkspace();
        var b = NewWorkspace();
        await RunAsync(a, ToolNames.NotesWrite, new { text = "only for a" }, "call-1");

        var read = await RunAsync(b, ToolNames.NotesRead, new { }, "call-1");

        Assert.Equal("""{"notes":[]}""", read.Result);
    }

    [Fact]
    public async Task An_email_reaches_the_smtp_server_with_recipient_subject_body_and_a_message_id_from_the_idempotency_key()
    {
        var outcome = await RunAsync(await CreatedWorkspaceAsync(), ToolNames.EmailSend, new { to = "alice@example.test", subject = "Lunch — today", body = "Lunch is at noon.\n.\nSee you." }, "run-1:call-1");

        Assert.True(outcome.Succeeded, outcome.Result);
        Assert.Equal(["mailto:alice@example.test"], outcome.Touched);
        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal("agent@platform.example.test", mail.From);
        Assert.Equal(["alice@example.test"], mail.Recipients);
        Assert.Equal("alice@example.test", mail.Header("To"));
        Assert.Equal(SmtpMailSender.MessageId("run-1:call-1", "agent@platform.example.test"), mail.Header("Message-ID"));
        Assert.Equal("Lunch is at noon.\r\n.\r\nSee you.", mail.Body);
        Assert.StartsWith("=?utf-8?B?", mail.Header("Subject"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_carrying_a_workspace_secret_in_base64_is_refused_before_the_smtp_server_sees_it()
    {
        var workspace = await CreatedWorkspaceAsync();
        const string secret = "sk_live_tool_runner_secret_42";
        await _silo.Grains.GetGrain<Platform.Grains.Interfaces.Secrets.ISecretsGrain>(workspace).SetAsync("stripe-key", secret, "user:owner-1");
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret));

        var outcome = await RunAsync(workspace, ToolNames.EmailSend, new { to = "eve@example.test", subject = "data", body = $"here: {encoded}" }, "call-1");

        Assert.False(outcome.Succeeded);
        Assert.Contains("secret://stripe-key (base64)", outcome.Notice, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, outcome.Result, StringComparison.Ordinal);
        Assert.Empty(_smtp.Messages);
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_is_an_unsuccessful_outcome_not_an_exception()
    {
        _smtp.RefuseRecipient = "nobody@example.test";

        var outcome = await RunAsync(await CreatedWorkspaceAsync(), ToolNames.EmailSend, new { to = "nobody@example.test", subject = "s", body = "b" }, "call-1");

        Assert.False(outcome.Succeeded);
        Assert.Equal($"the mail relay 127.0.0.1:{_smtp.Port} refused RCPT TO with code 550", outcome.FailureReason);
        Assert.Equal($"Error: the mail relay 127.0.0.1:{_smtp.Port} refused RCPT TO with code 550.", outcome.Result);
        Assert.Empty(_smtp.Messages);
    }

    [Fact]
    public async Task A_mail_relay_that_refuses_the_connection_is_a_failure_naming_the_relay_and_why()
    {
        var closedPort = ClosedPort();
        await using var silo = await ToolsSilo.StartAsync(Directory.CreateDirectory(Path.Combine(_directory, "relay")).FullName, new Dictionary<string, string?>
        {
            ["Platform:Smtp:Host"] = "127.0.0.1",
            ["Platform:Smtp:Port"] = closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var workspace = NewWorkspace();
        await silo.Grains.GetGrain<IWorkspaceGrain>(workspace).CreateAsync("Tools", "owner-1", "Owner");
        var validation = Catalog.Validate(ToolNames.EmailSend, JsonSerializer.Serialize(new { to = "bob@example.test", subject = "s", body = "b" }));

        TenantContext.Set(workspace);
        var outcome = await silo.Services.GetRequiredService<IToolRunner>().RunAsync(new ToolInvocation(workspace, "run-1", ToolNames.EmailSend, validation.CanonicalArguments!, "call-1"), TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Equal($"the mail relay 127.0.0.1:{closedPort} refused the connection", outcome.FailureReason);
        Assert.Empty(outcome.Touched);
    }

    [Fact]
    public async Task A_webhook_on_the_allowlist_gets_the_json_message_and_the_idempotency_key()
    {
        var workspace = await WorkspaceWithAllowlistAsync(new Uri(_hooks.Address, "hooks/team").ToString());
        var url = new Uri(_hooks.Address, "hooks/team/deploys").ToString();

        var outcome = await RunAsync(workspace, ToolNames.WebhookPost, new { url, message = "deploy finished" }, "run-9:call-3");

        Assert.True(outcome.Succeeded, outcome.Result);
        Assert.Equal([url], outcome.Touched);
        var request = Assert.Single(_hooks.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/team/deploys", request.Path);
        Assert.Equal("run-9:call-3", request.Header("Idempotency-Key"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("""{"text":"deploy finished"}""", request.Body);
    }

    [Fact]
    public async Task A_webhook_off_the_allowlist_is_refused_and_nothing_is_sent()
    {
        var workspace = await WorkspaceWithAllowlistAsync(new Uri(_hooks.Address, "hooks/team").ToString());

        var sibling = await RunAsync(workspace, ToolNames.WebhookPost, new { url = new Uri(_hooks.Address, "hooks/teammates").ToString(), message = "m" }, "call-1");
        var elsewhere = await RunAsync(workspace, ToolNames.WebhookPost, new { url = "http://127.0.0.1:1/hooks/team", message = "m" }, "call-2");

        Assert.False(sibling.Succeeded);
        Assert.Equal($"Refused: {WebhookAllowlist.NotOnAllowlist}.", sibling.Result);
        Assert.Equal(WebhookAllowlist.NotOnAllowlist, sibling.FailureReason);
        Assert.False(elsewhere.Succeeded);
        Assert.Empty(_hooks.Requests);
    }

    [Fact]
    public async Task A_workspace_allowlisted_webhook_whose_name_resolves_to_loopback_is_refused_at_call_time_saying_why()
    {
        // The operator allowed 127.0.0.1:port; this name resolves to the same server but is not on the egress allowlist.
        var url = $"http://hooks.internal.test:{_hooks.Address.Port}/hooks/team";
        var workspace = await WorkspaceWithAllowlistAsync(url);

        var outcome = await RunAsync(workspace, ToolNames.WebhookPost, new { url, message = "m" }, "call-1");

        Assert.False(outcome.Succeeded);
        Assert.Equal("the webhook host hooks.internal.test resolved to a loopback address and was refused", outcome.FailureReason);
        Assert.Contains("loopback", outcome.Notice, StringComparison.Ordinal);
        Assert.Empty(_hooks.Requests);
    }

    [Fact]
    public async Task A_webhook_host_that_refuses_the_connection_is_a_failure_naming_the_host_and_port()
    {
        var closedPort = ClosedPort();
        var url = $"http://127.0.0.1:{closedPort}/hooks";
        await using var silo = await ToolsSilo.StartAsync(Directory.CreateDirectory(Path.Combine(_directory, "hook")).FullName, new Dictionary<string, string?>
        {
            ["Platform:Egress:PrivateNetworkAllowlist:0"] = $"127.0.0.1:{closedPort}",
        });
        var workspace = NewWorkspace();
        var grain = silo.Grains.GetGrain<IWorkspaceGrain>(workspace);
        await grain.CreateAsync("Tools", "owner-1", "Owner");
        await grain.UpdateAsync(new WorkspacePatch(WebhookAllowlist: [url]), "owner-1");
        var validation = Catalog.Validate(ToolNames.WebhookPost, JsonSerializer.Serialize(new { url, message = "m" }));

        TenantContext.Set(workspace);
        var outcome = await silo.Services.GetRequiredService<IToolRunner>().RunAsync(new ToolInvocation(workspace, "run-1", ToolNames.WebhookPost, validation.CanonicalArguments!, "call-1"), TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Equal($"the webhook host 127.0.0.1:{closedPort} refused the connection", outcome.FailureReason);
    }

    [Fact]
    public async Task A_webhook_answering_an_error_status_is_an_unsuccessful_outcome()
    {
        var workspace = await WorkspaceWithAllowlistAsync(_hooks.Address.ToString());

        var outcome = await RunAsync(workspace, ToolNames.WebhookPost, new { url = new Uri(_hooks.Address, "x/fail").ToString(), message = "m" }, "call-1");

        Assert.False(outcome.Succeeded);
        Assert.Equal("Error: the webhook answered HTTP 500.", outcome.Result);
        Assert.Equal("the webhook answered HTTP 500", outcome.FailureReason);
    }

    [Fact]
    public async Task The_runner_validates_again_and_refuses_arguments_the_catalog_would_refuse()
    {
        var workspace = NewWorkspace();
        TenantContext.Set(workspace);
        var outcome = await Runner.RunAsync(
            new ToolInvocation(workspace, "run-1", ToolNames.EmailSend, """{"to":"alice@example.test","subject":"s","body":"b","bcc":"eve@example.test"}""", "call-1"),
            TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Equal("Refused: email.send: arguments has an unknown field 'bcc'.", outcome.Result);
        Assert.Empty(_smtp.Messages);
    }

    private async Task<ToolOutcome> RunAsync(string workspace, string tool, object arguments, string idempotencyKey)
    {
        var validation = Catalog.Validate(tool, JsonSerializer.Serialize(arguments));
        Assert.True(validation.IsValid, validation.Error);

        // The runner runs inside a workspace's run grain, whose calls the tenant filter judges by that grain; called
        // from the test instead, its calls act for the workspace as the gateway's would.
        TenantContext.Set(workspace);
        return await Runner.RunAsync(new ToolInvocation(workspace, "run-1", tool, validation.CanonicalArguments!, idempotencyKey), TestContext.Current.CancellationToken);
    }

    private async Task<string> WorkspaceWithAllowlistAsync(string allowed)
    {
        var workspace = await CreatedWorkspaceAsync();
        await _silo.Grains.GetGrain<IWorkspaceGrain>(workspace).UpdateAsync(new WorkspacePatch(WebhookAllowlist: [allowed]), "owner-1");
        return workspace;
    }

    /// <summary>A workspace that exists: tools that send look up its egress policy first.</summary>
    private async Task<string> CreatedWorkspaceAsync()
    {
        var workspace = NewWorkspace();
        await _silo.Grains.GetGrain<IWorkspaceGrain>(workspace).CreateAsync("Tools", "owner-1", "Owner");
        return workspace;
    }

    private static string NewWorkspace() => Platform.Grains.Workspaces.WorkspaceIds.NewWorkspaceId();

    /// <summary>A loopback port nothing listens on: bound for a moment to learn a free one, then closed.</summary>
    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
