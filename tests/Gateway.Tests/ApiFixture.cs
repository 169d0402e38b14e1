using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Platform.Gateway.Tests;

/// <summary>A gateway on a fresh SQLite directory with a known operator key, shared by the API tests of one class.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string OperatorKey = "op_test_operator_key_0123456789abcdef0123456789";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gateway-api-").FullName;

    public GatewayFactory Gateway { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Silo:Sqlite:DataDirectory"] = _dataDirectory,
            ["Platform:OperatorKey"] = OperatorKey,
            ["Platform:Gateway:RequestsPerSecondPerKey"] = "100000",
            ["Platform:Gateway:BurstPerKey"] = "100000",
        });
        return ValueTask.CompletedTask;
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
    public async Task<(string WorkspaceId, string OwnerKey)> CreateWorkspaceAsync(string name = "Acme")
    {
        using var client = Client(OperatorKey);
        var response = await client.PostAsJsonAsync("/api/workspaces", new { name, ownerUserId = "owner@acme.test", ownerDisplayName = "Olive Owner" });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<CreatedWorkspace>();
        return (body!.WorkspaceId, body.OwnerKey);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private sealed record CreatedWorkspace(string WorkspaceId, string OwnerKey);
}
