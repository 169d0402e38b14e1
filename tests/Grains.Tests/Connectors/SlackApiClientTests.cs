using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Grains.Connectors;
using Platform.Grains.Connectors.Slack;
using Platform.Testing;

namespace Platform.Grains.Tests.Connectors;

public sealed class SlackApiClientTests : IAsyncLifetime
{
    /// <summary>Distinctive, so a test can tell it never leaked into an exception.</summary>
    private const string Token = "xoxb-SECRET-slack-token-4711";

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly SlackApiClient _client;
    private FakeSlackServer _slack = null!;

    public SlackApiClientTests() => _client = new SlackApiClient(_http, TimeProvider.System, NullLogger<SlackApiClient>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync(Token);
        _slack.AddChannel("C0GENERAL01");
    }

    public async ValueTask DisposeAsync()
    {
        await _slack.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Posting_a_message_answers_its_ts_and_sends_json_with_a_bearer_token()
    {
        var ts = await _client.PostMessageAsync(_slack.BaseUrl, Token, "C0GENERAL01", "Deploy done ✅", Ct);

        var posted = Assert.Single(_slack.Posted);
        Assert.Equal(new FakeSlackPost("C0GENERAL01", "Deploy done ✅", ts), posted);
        var request = Assert.Single(_slack.Requests);
        Assert.Equal(("POST", "/api/chat.postMessage"), (request.Method, request.Path));
        Assert.Equal($"Bearer {Token}", request.Header("authorization"));
        Assert.Equal("application/json; charset=utf-8", request.Header("content-type"));
    }

    [Fact]
    public async Task Reading_history_answers_the_newest_messages_first_up_to_the_limit()
    {
        _slack.SeedMessage("C0GENERAL01", "U0ALICE0001", "first");
        var second = _slack.SeedMessage("C0GENERAL01", "U0BOB000001", "second");
        var third = _slack.SeedMessage("C0GENERAL01", "U0ALICE0001", "third");

        var messages = await _client.ReadHistoryAsync(_slack.BaseUrl, Token, "C0GENERAL01", 2, Ct);

        Assert.Equal([new SlackMessage("U0ALICE0001", "third", third), new SlackMessage("U0BOB000001", "second", second)], messages);
        var request = Assert.Single(_slack.Requests);
        Assert.Equal(("GET", "/api/conversations.history?channel=C0GENERAL01&limit=2"), (request.Method, request.Path));
        Assert.Equal($"Bearer {Token}", request.Header("authorization"));
    }

    [Fact]
    public async Task A_posted_message_shows_in_history_as_the_bot()
    {
        var ts = await _client.PostMessageAsync(_slack.BaseUrl, Token, "C0GENERAL01", "hello", Ct);

        var messages = await _client.ReadHistoryAsync(_slack.BaseUrl, Token, "C0GENERAL01", 10, Ct);

        Assert.Equal([new SlackMessage(FakeSlackServer.BotUserId, "hello", ts)], messages);
    }

    [Fact]
    public async Task A_base_url_without_a_trailing_slash_still_calls_below_it()
    {
        var withoutSlash = new Uri(_slack.BaseUrl.ToString().TrimEnd('/'));

        await _client.PostMessageAsync(withoutSlash, Token, "C0GENERAL01", "hello", Ct);

        Assert.Equal("/api/chat.postMessage", Assert.Single(_slack.Requests).Path);
    }

    [Theory]
    [InlineData("invalid_auth")]
    [InlineData("token_revoked")]
    [InlineData("token_expired")]
    [InlineData("not_authed")]
    [InlineData("account_inactive")]
    public async Task Slack_auth_errors_are_unauthorized(string error)
    {
        _slack.FailNext(error);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(_slack.BaseUrl, Token, "C0GENERAL01", "hi", Ct));

        Assert.Equal(ConnectorFailure.Unauthorized, e.Kind);
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
        AssertSafe(e);
    }

    [Fact]
    public async Task A_token_revoked_between_calls_is_unauthorized()
    {
        await _client.PostMessageAsync(_slack.BaseUrl, Token, "C0GENERAL01", "before", Ct);
        _slack.RevokeToken(Token);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadHistoryAsync(_slack.BaseUrl, Token, "C0GENERAL01", 5, Ct));

        Assert.Equal(ConnectorFailure.Unauthorized, e.Kind);
        Assert.Contains("invalid_auth", e.Message, StringComparison.Ordinal);
        AssertSafe(e);
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("not_in_channel")]
    public async Task Slack_channel_errors_are_not_found(string error)
    {
        _slack.FailNext(error);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadHistoryAsync(_slack.BaseUrl, Token, "C0GENERAL01", 5, Ct));

        Assert.Equal(ConnectorFailure.NotFound, e.Kind);
        AssertSafe(e);
    }

    [Fact]
    public async Task Posting_to_a_channel_the_bot_is_not_in_is_not_found_and_posts_nothing()
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(_slack.BaseUrl, Token, "C0ELSEWHERE", "hi", Ct));

        Assert.Equal(ConnectorFailure.NotFound, e.Kind);
        Assert.Contains("not_in_channel", e.Message, StringComparison.Ordinal);
        Assert.Empty(_slack.Posted);
    }

    [Fact]
    public async Task Http_429_is_rate_limited_with_slacks_retry_after()
    {
        _slack.RateLimitNext(retryAfterSeconds: 30);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(_slack.BaseUrl, Token, "C0GENERAL01", "hi", Ct));

        Assert.Equal(ConnectorFailure.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), e.RetryAfter);
        Assert.Empty(_slack.Posted);
        Assert.Single(_slack.Requests);
        AssertSafe(e);
    }

    [Theory]
    [InlineData("msg_too_long")]
    [InlineData("internal_error")]
    [InlineData("is_archived")]
    public async Task Other_slack_errors_are_failures_quoting_only_the_code(string error)
    {
        _slack.FailNext(error);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(_slack.BaseUrl, Token, "C0GENERAL01", "hi", Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
        AssertSafe(e);
    }

    [Fact]
    public async Task An_error_that_is_not_a_short_code_is_not_quoted()
    {
        await using var server = await LoopbackWebServer.StartAsync(_ => Results.Text("""{"ok":false,"error":"<script>Bearer xoxb-echo</script>"}""", "application/json"));

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(server.Address, Token, "C0GENERAL01", "hi", Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        Assert.DoesNotContain("script", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.Found)]
    public async Task Other_http_statuses_are_failures_without_following_anything(HttpStatusCode status)
    {
        await using var server = await LoopbackWebServer.StartAsync(_ => Results.Text("""{"ok":true,"ts":"1.2"}""", "application/json", statusCode: (int)status));

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(server.Address, Token, "C0GENERAL01", "hi", Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        Assert.Single(server.Requests);
        AssertSafe(e);
    }

    [Fact]
    public async Task An_answer_that_is_not_json_is_a_failure()
    {
        await using var server = await LoopbackWebServer.StartAsync(_ => Results.Text("<html>maintenance</html>", "text/html"));

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadHistoryAsync(server.Address, Token, "C0GENERAL01", 5, Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        AssertSafe(e);
    }

    [Fact]
    public async Task An_answer_larger_than_one_mebibyte_is_refused_as_a_failure()
    {
        var huge = $$"""{"ok":true,"ts":"1.2","padding":"{{new string('x', 1024 * 1024)}}"}""";
        await using var server = await LoopbackWebServer.StartAsync(_ => Results.Text(huge, "application/json"));

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(server.Address, Token, "C0GENERAL01", "hi", Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        Assert.Contains("larger than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_slack_is_a_failure_naming_no_token()
    {
        var server = await LoopbackWebServer.StartAsync(_ => Results.Ok());
        var address = server.Address;
        await server.DisposeAsync();

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(address, Token, "C0GENERAL01", "hi", Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        AssertSafe(e);
    }

    [Theory]
    [InlineData("")]
    [InlineData("xoxb-bad\r\nX-Injected: 1")]
    [InlineData("xoxb with space")]
    public async Task A_missing_or_malformed_token_is_unauthorized_before_any_request(string token)
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(_slack.BaseUrl, token, "C0GENERAL01", "hi", Ct));

        Assert.Equal(ConnectorFailure.Unauthorized, e.Kind);
        Assert.Empty(_slack.Requests);
        if (token.Length > 0)
        {
            Assert.DoesNotContain(token, e.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", "hi")]
    [InlineData("C0GENERAL01", "")]
    [InlineData("C0GENERAL01", "   ")]
    [InlineData("C0GEN\nERAL", "hi")]
    public async Task A_post_without_channel_or_text_is_invalid_before_any_request(string channel, string text)
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.PostMessageAsync(_slack.BaseUrl, Token, channel, text, Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Empty(_slack.Requests);
    }

    [Fact]
    public async Task A_text_longer_than_slack_keeps_is_invalid_before_any_request()
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(
            () => _client.PostMessageAsync(_slack.BaseUrl, Token, "C0GENERAL01", new string('a', SlackApiClient.MaxTextLength + 1), Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Empty(_slack.Requests);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(SlackApiClient.MaxHistoryLimit + 1)]
    public async Task A_history_limit_out_of_range_is_invalid_before_any_request(int limit)
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadHistoryAsync(_slack.BaseUrl, Token, "C0GENERAL01", limit, Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Empty(_slack.Requests);
    }

    /// <summary>Neither the message nor anything chained to it (inner exceptions, stack) carries the token.</summary>
    private static void AssertSafe(ConnectorApiException e)
    {
        Assert.DoesNotContain(Token, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", e.Message, StringComparison.Ordinal);
    }
}
