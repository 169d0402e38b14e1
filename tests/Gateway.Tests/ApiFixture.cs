using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Platform.Gateway.Tests;

/// <summary>
/// A gateway with a known operator key, shared by the API tests of one class. Which grain storage it runs on is the
/// subclass's choice (<see cref="SqliteApiFixture"/>, <see cref="PostgresApiFixture"/>), so every API test runs on both.
/// </summary>
public abstract class ApiFixture : IAsyncLifetime
{
    public const string OperatorKey = "op_test_operator_key_0123456789abcdef0123456789";

    public GatewayFactory Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(await StoreSettingsAsync())
        {
            ["Platform:OperatorKey"] = OperatorKey,
            ["Platform:Gateway:RequestsPerSecondPerKey"] = "100000",
            ["Platform:Gateway:BurstPerKey"] = "100000",
            ["Platform:Invitations:RedeemAttemptsPerMinute"] = "100000",
        };
        Gateway = new GatewayFactory(settings);
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = Gateway.CreateClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>Creates a workspace as the operator and returns its id and the owner's key.</summary>
    public async Task<(string WorkspaceId, string OwnerKey)> CreateWorkspaceAsync(string name = "Acme", string ownerUserId = "owner@acme.test")
    {
        using var client = Client(OperatorKey);
        var response = await client.PostAsJsonAsync("/api/workspaces", new { name, ownerUserId, ownerDisplayName = "Olive Owner" });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<CreatedWorkspace>();
        return (body!.WorkspaceId, body.OwnerKey);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The grain storage settings this gateway runs on.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string?>> StoreSettingsAsync();

    private sealed record CreatedWorkspace(string WorkspaceId, string OwnerKey);
}
