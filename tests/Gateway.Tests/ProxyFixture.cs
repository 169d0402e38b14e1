using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;

using Platform.Grains.Security;

namespace Platform.Gateway.Tests;

/// <summary>
/// The gateway on Kestrel (real HTTP on loopback, as partners' clients reach it), with a known data key so tests can
/// plant it in a request. Each test points its own workspace at its own fake provider. The storage is the subclass's.
/// </summary>
public abstract class ProxyFixture : IAsyncLifetime
{
    /// <summary>The data key every workspace of this gateway gets: the canary the egress check must find.</summary>
    public static readonly byte[] DataKey = SHA256.HashData("proxy-tests-data-key-canary"u8);

    public GatewayFactory Gateway { get; private set; } = null!;

    /// <summary>Where the gateway listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(await StoreSettingsAsync())
        {
            ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
            ["Platform:Gateway:RequestsPerSecondPerKey"] = "100000",
            ["Platform:Gateway:BurstPerKey"] = "100000",
            ["Platform:Models:OpenAI:ApiKey"] = "sk-operator-upstream-key",
            ["Platform:Models:OpenAI:AllowedBaseUrls:0"] = "http://127.0.0.1/",
        };
        Gateway = new GatewayFactory(settings)
        {
            TestServices = static services => services.AddSingleton<IDataKeyGenerator>(new KnownDataKey(DataKey)),
        };
        Gateway.UseKestrel(0);
        Gateway.StartServer();
        using var probe = Gateway.CreateClient();
        Address = probe.BaseAddress!;
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>
    /// A workspace whose provider is <paramref name="upstream"/>, with <paramref name="capMicros"/> and a proxy key. Its
    /// model is a catalogue entry of its own (id <c>gpt-test-</c> and the workspace id spelt in letters, upstream model <c>gpt-test</c>: 1,000 µ$
    /// per 1k prompt tokens, 2,000 per 1k completion tokens, at most 100 output tokens), put by the operator.
    /// </summary>
    public async Task<ProxyWorkspace> CreateWorkspaceAsync(Uri upstream, long capMicros = 10_000_000, bool auditContent = false)
    {
        using var operatorClient = Client(ApiFixture.OperatorKey);
        var created = await ReadAsync(await operatorClient.PostAsJsonAsync("/api/workspaces", new { name = "Proxy", ownerUserId = "olive@acme.test", ownerDisplayName = "Olive" }));
        var workspaceId = created.GetProperty("workspaceId").GetString()!;
        // Unique per workspace, with the id's digits spelt as letters: a run of digits in the body could read as a card number to the egress check.
        var modelId = $"{ProxyWorkspace.Model}-{string.Concat(workspaceId.Select(static c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c))}";
        await ReadAsync(await operatorClient.PutAsJsonAsync($"/api/catalog/models/{modelId}", new
        {
            provider = "openai",
            model = ProxyWorkspace.Model,
            baseUrl = upstream.AbsoluteUri,
            inputPricePer1kTokens = 1_000,
            outputPricePer1kTokens = 2_000,
            maxOutputTokens = 100,
            workspaces = new[] { workspaceId },
        }));
        var owner = Client(created.GetProperty("ownerKey").GetString());
        await ReadAsync(await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = capMicros }));
        await ReadAsync(await owner.PatchAsJsonAsync("/api/workspace", new
        {
            auditProxyContent = auditContent,
            model = new { catalogId = modelId },
        }));
        var key = await ReadAsync(await owner.PostAsJsonAsync("/api/keys", new { name = "app", userId = "olive@acme.test", scopes = new[] { "proxy" } }));

        // The data key exists from the workspace's first encryption (a run, a note); egress tests need it to exist.
        // Called as the gateway would for this workspace: the runtime refuses calls that act for no workspace.
        Platform.Silo.Isolation.TenantContext.Set(workspaceId);
        var keys = Gateway.Services.GetRequiredService<IGrainFactory>();
        await keys.GetGrain<Platform.Grains.Interfaces.Security.IWorkspaceKeyGrain>(workspaceId)
            .EncryptAsync(new Platform.Grains.Interfaces.Security.EncryptRequest("test.warm", [1]));
        return new ProxyWorkspace(this, workspaceId, owner, key.GetProperty("token").GetString()!, created.GetProperty("ownerKey").GetString()!, modelId);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync();

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private sealed class KnownDataKey(byte[] key) : IDataKeyGenerator
    {
        public byte[] NewDataKey() => (byte[])key.Clone();
    }
}
