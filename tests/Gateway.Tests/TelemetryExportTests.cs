using System.Net;

using OpenAI.Chat;

using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// Telemetry pushed over OTLP to a collector the operator names: request spans with the grain calls they made, and the
/// platform's series, and no workspace id in either unless the operator turns the label on.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryExportTests(OtlpProxyFixture proxy) : IClassFixture<OtlpProxyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_proxied_call_reaches_the_collector_as_spans_and_series_that_name_no_workspace()
    {
        await using var upstream = await FakeOpenAiServer.StartAsync();
        var workspace = await proxy.CreateWorkspaceAsync(upstream.BaseUrl);
        upstream.EnqueueText("pong", promptTokens: 9, completionTokens: 3);

        await workspace.Chat().CompleteChatAsync([new UserChatMessage("ping")], cancellationToken: Ct);

        // The request's span and its grain calls' spans may come in different batches: wait for both.
        await ArrivedAsync("/v1/traces", "/v1/chat/completions");
        var traces = await ArrivedAsync("/v1/traces", "IBudgetGrain");
        var metrics = await ArrivedAsync("/v1/metrics", "platform.budget.spent");
        Assert.All(proxy.Collector.Requests, r => Assert.Equal("application/x-protobuf", r.Header("content-type")));

        // The request's span and the budget grain's call it made, by interface and method: one trace, end to end.
        Assert.Contains("IBudgetGrain", traces, StringComparison.Ordinal);
        Assert.Contains("platform", traces, StringComparison.Ordinal);
        Assert.DoesNotContain(workspace.WorkspaceId, traces, StringComparison.Ordinal);
        Assert.DoesNotContain(workspace.WorkspaceId, metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("ping", traces, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probes_are_not_traced()
    {
        using var anonymous = proxy.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("healthz", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("readyz", UriKind.Relative), Ct)).StatusCode);

        // A request after the probes that is traced (refused, but a request all the same): once it has arrived, they would have too.
        await anonymous.GetAsync(new Uri("v1/models", UriKind.Relative), Ct);
        var traces = await ArrivedAsync("/v1/traces", "/v1/models");

        Assert.DoesNotContain("/healthz", traces, StringComparison.Ordinal);
    }

    /// <summary>Every body posted to <paramref name="path"/> so far, once one of them contains <paramref name="expected"/> (10 s at most).</summary>
    private async Task<string> ArrivedAsync(string path, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var bodies = string.Join("\n", proxy.Collector.Requests.Where(r => r.Method == "POST" && r.Path == path).Select(static r => r.Body));
            if (bodies.Contains(expected, StringComparison.Ordinal))
            {
                return bodies;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Nothing containing '{expected}' was posted to {path} within 10 s; received: {string.Join(", ", proxy.Collector.Requests.Select(static r => r.Path))}");
            await Task.Delay(100, Ct);
        }
    }
}
