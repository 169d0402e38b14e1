using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Json;
using System.Text.Json;

using OpenAI;
using OpenAI.Chat;

namespace Platform.Gateway.Tests;

/// <summary>
/// A workspace set up for proxy tests: its owner's client, its proxy key, and the official client over it.
/// <see cref="ModelId"/> is its catalogue entry's id (what clients send as <c>model</c>); <see cref="Model"/> is the
/// upstream name the provider receives.
/// </summary>
public sealed record ProxyWorkspace(ProxyFixture Fixture, string WorkspaceId, HttpClient Owner, string ProxyKey, string OwnerKey, string ModelId)
{
    public const string Model = "gpt-test";

    /// <summary><paramref name="json"/> with the placeholder model <c>"gpt-test"</c> replaced by this workspace's catalogue id.</summary>
    public string WithModel(string json) => json.Replace($"\"{Model}\"", $"\"{ModelId}\"", StringComparison.Ordinal);

    /// <summary>The official OpenAI client, pointed at the gateway with the proxy key, retries off so each call is one request.</summary>
    public ChatClient Chat(string? key = null) => new(ModelId, new ApiKeyCredential(key ?? ProxyKey), new OpenAIClientOptions
    {
        Endpoint = new Uri(Fixture.Address, "v1"),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    public async Task<JsonElement> BudgetAsync() => await Owner.GetFromJsonAsync<JsonElement>("/api/budget");

    /// <summary>Audit entries of a kind prefix, oldest first.</summary>
    public async Task<JsonElement[]> AuditAsync(string kind) =>
        [.. (await Owner.GetFromJsonAsync<JsonElement>($"/api/audit?kind={kind}&limit=1000")).GetProperty("entries").EnumerateArray()];

    /// <summary>What a call costs at the test model's prices (1 µ$ a prompt token, 2 a completion token).</summary>
    public static long Cost(int promptTokens, int completionTokens) => promptTokens + (2L * completionTokens);
}
