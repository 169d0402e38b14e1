using System.Net;
using System.Text.RegularExpressions;

using OpenAI.Chat;

using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// The operator's Prometheus endpoint on the default settings: only an operator reads it, it carries the platform's own
/// series beside ASP.NET Core's and Orleans', and no workspace or key id appears in any of it.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed partial class TelemetryTests(SqliteProxyFixture proxy) : IClassFixture<SqliteProxyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_are_refused_to_anonymous_callers_and_to_workspace_keys_and_served_to_the_operator()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        using var anonymous = proxy.Client();
        using var owner = proxy.Client(workspace.OwnerKey);
        using var partner = proxy.Client(workspace.ProxyKey);
        using var operatorClient = proxy.Client(ApiFixture.OperatorKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("metrics", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync(new Uri("metrics", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync(new Uri("metrics", UriKind.Relative), Ct)).StatusCode);
        var scraped = await operatorClient.GetAsync(new Uri("metrics", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Equal("text/plain", scraped.Content.Headers.ContentType?.MediaType);
        var text = await scraped.Content.ReadAsStringAsync(Ct);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("orleans_catalog_activations", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spend_refusals_and_egress_blocks_are_counted_without_naming_any_workspace_or_key()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var paying = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        var broke = await proxy.CreateWorkspaceAsync(upstream.BaseUrl, capMicros: 0);
        upstream.EnqueueText("pong", promptTokens: 9, completionTokens: 3);
        using var operatorClient = proxy.Client(ApiFixture.OperatorKey);
        var before = await ScrapeAsync(operatorClient);

        await paying.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);
        await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => broke.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct));
        await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => paying.Chat().CompleteChatAsync([new UserChatMessage($"the key: {Convert.ToBase64String(ProxyFixture.DataKey)}")], cancellationToken: Ct));

        // At least: the meters are the process's, and other tests' gateways run beside this one (TelemetryLabelTests counts exactly).
        var after = await ScrapeAsync(operatorClient);
        Assert.True(Sample(after, "platform_budget_spent_total", "source=\"proxy\"") - Sample(before, "platform_budget_spent_total", "source=\"proxy\"") >= ProxyWorkspace.Cost(9, 3));
        Assert.True(Sample(after, "platform_budget_reservations_refused_total", "reason=\"out_of_budget\"") - Sample(before, "platform_budget_reservations_refused_total", "reason=\"out_of_budget\"") >= 1);
        Assert.True(Sample(after, "platform_egress_blocked_total", "kind=\"secret\"") - Sample(before, "platform_egress_blocked_total", "kind=\"secret\"") >= 1);
        foreach (var workspace in new[] { paying, broke })
        {
            Assert.DoesNotContain(workspace.WorkspaceId, after, StringComparison.Ordinal);
            Assert.DoesNotContain(workspace.ProxyKey.Split('_')[2], after, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("workspace=", after, StringComparison.Ordinal);
    }

    internal static async Task<string> ScrapeAsync(HttpClient operatorClient)
    {
        var response = await operatorClient.GetAsync(new Uri("metrics", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The value of the series <paramref name="name"/> whose labels contain <paramref name="label"/>, 0 when absent.</summary>
    internal static long Sample(string exposition, string name, string label)
    {
        foreach (Match line in SampleLine().Matches(exposition))
        {
            if (line.Groups["name"].Value == name && line.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                return (long)double.Parse(line.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>[0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
