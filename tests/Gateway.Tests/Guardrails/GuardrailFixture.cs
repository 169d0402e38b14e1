using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.Gateway.Tests.Guardrails;

/// <summary>
/// A gateway wired to real local counterparts of everything outside the machine: a real OAuth server (npm
/// <c>oidc-provider</c>), Slack and GitHub fakes in their wire formats that accept only tokens the OAuth server says are
/// active, a scripted "compromised model" (an OpenAI-compatible fake that emits whatever tool calls a test queues), an
/// outside HTTP receiver the operator allows, and an internal server it does not (the SSRF target).
/// </summary>
public sealed class GuardrailFixture : IAsyncLifetime
{
    public const string RedirectUri = "http://127.0.0.1:9/oauth/callback";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("guardrails-").FullName;

    public GatewayFactory Gateway { get; private set; } = null!;

    /// <summary>Every log line the gateway wrote, to prove no secret or token reached one.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    public OidcProviderServer OAuth { get; private set; } = null!;

    public FakeSlackServer Slack { get; private set; } = null!;

    public FakeGitHubServer GitHub { get; private set; } = null!;

    public FakeOpenAiServer Model { get; private set; } = null!;

    /// <summary>An HTTP receiver outside the workspace that the operator allows (a partner's webhook, say).</summary>
    public LoopbackWebServer Outside { get; private set; } = null!;

    /// <summary>A server on loopback the operator never allowed: what SSRF would reach.</summary>
    public LoopbackWebServer Internal { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        OAuth = await OidcProviderServer.StartAsync(new OidcProviderSettings { RedirectUris = [new Uri(RedirectUri)] }, TestContext.Current.CancellationToken);
        Slack = await FakeSlackServer.StartAsync();
        Slack.ValidateTokensWith(token => OAuth.IsActiveAsync(token));
        GitHub = await FakeGitHubServer.StartAsync();
        GitHub.ValidateTokensWith(token => OAuth.IsActiveAsync(token));
        Model = await FakeOpenAiServer.StartAsync();
        Outside = await LoopbackWebServer.StartAsync(static _ => Results.Ok(new { received = true }));
        Internal = await LoopbackWebServer.StartAsync(static _ => Results.Text("internal admin page"));

        var settings = new Dictionary<string, string?>
        {
            ["Silo:Sqlite:DataDirectory"] = _dataDirectory,
            ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
            ["Platform:Gateway:RequestsPerSecondPerKey"] = "100000",
            ["Platform:Gateway:BurstPerKey"] = "100000",
            ["Platform:Invitations:RedeemAttemptsPerMinute"] = "100000",
            ["Platform:Models:OpenAI:ApiKey"] = "sk-guardrail-tests",
            ["Platform:Models:OpenAI:AllowedBaseUrls:0"] = "http://127.0.0.1/",
            // The scripted model, as the operator's catalogue offers it to every workspace.
            ["Platform:Models:Catalog:0:Id"] = "fake-model",
            ["Platform:Models:Catalog:0:Provider"] = "openai",
            ["Platform:Models:Catalog:0:Model"] = "fake-model",
            ["Platform:Models:Catalog:0:BaseUrl"] = Model.BaseUrl.ToString(),
            ["Platform:Models:Catalog:0:InputPricePer1kTokens"] = "1000",
            ["Platform:Models:Catalog:0:OutputPricePer1kTokens"] = "2000",
            ["Platform:Models:Catalog:0:MaxOutputTokens"] = "256",
            // Only the tenant-facing receiver: the Slack and GitHub clients may reach their configured APIs on their own.
            ["Platform:Egress:PrivateNetworkAllowlist:0"] = HostPort(Outside.Address),
        };
        foreach (var (kind, api, scope) in new[] { ("Slack", Slack.BaseUrl, "chat:write channels:history"), ("GitHub", GitHub.BaseUrl, "repo") })
        {
            settings[$"Platform:Connectors:{kind}:ApiBaseUrl"] = api.AbsoluteUri;
            settings[$"Platform:Connectors:{kind}:Scope"] = scope;
            settings[$"Platform:Connectors:{kind}:OAuth:AuthorizationEndpoint"] = OAuth.AuthorizationEndpoint.AbsoluteUri;
            settings[$"Platform:Connectors:{kind}:OAuth:TokenEndpoint"] = OAuth.TokenEndpoint.AbsoluteUri;
            settings[$"Platform:Connectors:{kind}:OAuth:RevocationEndpoint"] = OAuth.RevocationEndpoint.AbsoluteUri;
            settings[$"Platform:Connectors:{kind}:OAuth:ClientId"] = OAuth.ClientId;
            settings[$"Platform:Connectors:{kind}:OAuth:ClientSecret"] = OAuth.ClientSecret;
            settings[$"Platform:Connectors:{kind}:OAuth:RedirectUri"] = RedirectUri;
            settings[$"Platform:Connectors:{kind}:OAuth:Issuer"] = OAuth.Issuer.AbsoluteUri;
        }

        Gateway = new GatewayFactory(settings)
        {
            TestServices = services => services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs)),
        };
    }

    public HttpClient Client(string? bearer = null)
    {
        // Cookies by hand: a test plays several browsers and must say which one carries the authorization's cookie.
        var client = Gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>A workspace whose model is the scripted one, with a cap, an approver and a proxy key.</summary>
    public async Task<GuardedWorkspace> CreateWorkspaceAsync()
    {
        // Tests share the scripted model; whatever an earlier test left queued must not answer this one.
        Model.ClearQueue();
        using var operatorClient = Client(ApiFixture.OperatorKey);
        var created = await ReadAsync(await operatorClient.PostAsJsonAsync("/api/workspaces", new { name = "Guarded", ownerUserId = "olive@acme.test", ownerDisplayName = "Olive" }));
        var owner = Client(created.GetProperty("ownerKey").GetString());
        await ReadAsync(await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 50_000_000 }));
        await ReadAsync(await owner.PatchAsJsonAsync("/api/workspace", new
        {
            model = new { catalogId = "fake-model" },
        }));
        using var anonymous = Client();
        var approver = await Invitations.JoinAsync(owner, anonymous, "alice@acme.test", ["approver", "member"], ["approver"], TestContext.Current.CancellationToken);
        var proxy = await ReadAsync(await owner.PostAsJsonAsync("/api/keys", new { name = "app", userId = "olive@acme.test", scopes = new[] { "proxy" } }));
        return new GuardedWorkspace(
            this,
            created.GetProperty("workspaceId").GetString()!,
            owner,
            Client(approver),
            Client(proxy.GetProperty("token").GetString()));
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Model.DisposeAsync();
        await Slack.DisposeAsync();
        await GitHub.DisposeAsync();
        await Outside.DisposeAsync();
        await Internal.DisposeAsync();
        await OAuth.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Fails if any log line holds <paramref name="value"/> or a common encoding of it.</summary>
    public void AssertNotLogged(string value)
    {
        Assert.NotEmpty(Logs.Lines);
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        string[] forms = [value, Convert.ToBase64String(bytes), Convert.ToHexStringLower(bytes), Uri.EscapeDataString(value)];
        foreach (var line in Logs.Lines)
        {
            foreach (var form in forms)
            {
                Assert.False(line.Contains(form, StringComparison.Ordinal), $"A log line holds a secret: {line[..Math.Min(line.Length, 200)]}");
            }
        }
    }

    private static string HostPort(Uri uri) => $"{uri.Host}:{uri.Port}";
}
