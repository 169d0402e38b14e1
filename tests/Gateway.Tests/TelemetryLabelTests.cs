using OpenAI.Chat;

using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// With <c>Platform:Telemetry:WorkspaceLabel</c> on, the platform's series are per workspace, which makes them exact
/// even while other gateways in this process count their own.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryLabelTests(LabelledProxyFixture proxy) : IClassFixture<LabelledProxyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_workspaces_spend_refusals_thresholds_and_blocks_are_its_own_series()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var paying = await proxy.CreateWorkspaceAsync(upstream.BaseUrl, capMicros: 300);
        var broke = await proxy.CreateWorkspaceAsync(upstream.BaseUrl, capMicros: 0);
        upstream.EnqueueText("pong", promptTokens: 50, completionTokens: 90);
        using var operatorClient = proxy.Client(ApiFixture.OperatorKey);

        await paying.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);
        await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => broke.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct));
        await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => paying.Chat().CompleteChatAsync([new UserChatMessage($"the key: {Convert.ToHexStringLower(ProxyFixture.DataKey)}")], cancellationToken: Ct));

        var scraped = await TelemetryTests.ScrapeAsync(operatorClient);
        var payingLabel = $"workspace=\"{paying.WorkspaceId}\"";
        var brokeLabel = $"workspace=\"{broke.WorkspaceId}\"";
        Assert.Equal(ProxyWorkspace.Cost(50, 90), TelemetryTests.Sample(scraped, "platform_budget_spent_total", payingLabel));
        Assert.Equal(0, TelemetryTests.Sample(scraped, "platform_budget_spent_total", brokeLabel));
        Assert.Equal(1, TelemetryTests.Sample(scraped, "platform_budget_reservations_refused_total", brokeLabel));
        Assert.Equal(1, TelemetryTests.Sample(scraped, "platform_egress_blocked_total", payingLabel));

        // 230 of a 300 µ$ cap: the 50 % and 75 % warnings, not 90 %.
        Assert.Equal(1, TelemetryTests.Sample(scraped, "platform_budget_thresholds_crossed_total", $"percent=\"50\",{payingLabel}"));
        Assert.Equal(1, TelemetryTests.Sample(scraped, "platform_budget_thresholds_crossed_total", $"percent=\"75\",{payingLabel}"));
        Assert.Equal(0, TelemetryTests.Sample(scraped, "platform_budget_thresholds_crossed_total", $"percent=\"90\",{payingLabel}"));
    }
}
