using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Platform.Gateway.Tests;

public sealed class RateLimitTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("gateway-rate-").FullName;

    [Fact]
    public async Task Key_over_its_rate_gets_429_problem_details_while_another_key_is_unaffected()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Silo:Sqlite:DataDirectory"] = _dataDirectory,
            ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
            ["Platform:Gateway:RequestsPerSecondPerKey"] = "1",
            ["Platform:Gateway:BurstPerKey"] = "3",
        });
        using var op = gateway.CreateClient();
        op.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.OperatorKey);
        var a = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "A", ownerUserId = "a", ownerDisplayName = "A" }, TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<Created>(TestContext.Current.CancellationToken);
        var b = await (await op.PostAsJsonAsync("/api/workspaces", new { name = "B", ownerUserId = "b", ownerDisplayName = "B" }, TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<Created>(TestContext.Current.CancellationToken);
        using var clientA = gateway.CreateClient();
        clientA.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", a!.OwnerKey);
        using var clientB = gateway.CreateClient();
        clientB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", b!.OwnerKey);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await clientA.GetAsync(new Uri("/api/workspace", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, (await clientB.GetAsync(new Uri("/api/workspace", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private sealed record Created(string WorkspaceId, string OwnerKey);
}
