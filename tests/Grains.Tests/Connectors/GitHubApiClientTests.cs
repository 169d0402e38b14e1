using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Platform.Grains.Connectors;
using Platform.Grains.Connectors.GitHub;
using Platform.Testing;

namespace Platform.Grains.Tests.Connectors;

public sealed class GitHubApiClientTests : IAsyncLifetime
{
    /// <summary>Distinctive, so a test can tell it never leaked into an exception.</summary>
    private const string Token = "ghp_SECRETgithubtoken0000000000000000";

    private const string Repository = "acme/widgets";

    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly GitHubApiClient _client;
    private FakeGitHubServer _github = null!;

    public GitHubApiClientTests() => _client = new GitHubApiClient(_http, _time, NullLogger<GitHubApiClient>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _github = await FakeGitHubServer.StartAsync(_time);
        _github.AcceptToken(Token);
        _github.AddRepository(Repository);
    }

    public async ValueTask DisposeAsync()
    {
        await _github.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Creating_an_issue_answers_its_number_and_page_and_sends_githubs_headers()
    {
        var issue = await _client.CreateIssueAsync(_github.BaseUrl, Token, Repository, "Crash on start", "Steps: …", Ct);

        Assert.Equal(new GitHubIssue(1, new Uri("https://github.com/acme/widgets/issues/1")), issue);
        Assert.Equal(new FakeGitHubIssue(Repository, 1, "Crash on start", "Steps: …"), Assert.Single(_github.Issues));
        var request = Assert.Single(_github.Requests);
        Assert.Equal(("POST", "/repos/acme/widgets/issues"), (request.Method, request.Path));
        Assert.Equal($"Bearer {Token}", request.Header("authorization"));
        Assert.Equal("application/vnd.github+json", request.Header("accept"));
        Assert.Equal("2022-11-28", request.Header("x-github-api-version"));
        Assert.False(string.IsNullOrEmpty(request.Header("user-agent")));
    }

    [Fact]
    public async Task Commenting_answers_the_comment_page()
    {
        var issue = await _client.CreateIssueAsync(_github.BaseUrl, Token, Repository, "Crash", "", Ct);

        var url = await _client.CommentAsync(_github.BaseUrl, Token, Repository, issue.Number, "Fixed in #2", Ct);

        var comment = Assert.Single(_github.Comments);
        Assert.Equal((Repository, 1, "Fixed in #2"), (comment.Repository, comment.IssueNumber, comment.Body));
        Assert.Equal(new Uri($"https://github.com/acme/widgets/issues/1#issuecomment-{comment.Id}"), url);
        Assert.Equal("/repos/acme/widgets/issues/1/comments", _github.Requests[^1].Path);
    }

    [Fact]
    public async Task Reading_a_file_decodes_githubs_base64_lines()
    {
        var text = string.Concat(Enumerable.Repeat("Grüße, ✅ line of text\n", 20));
        _github.SeedFile(Repository, "docs/readme.md", text);

        var read = await _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "docs/readme.md", gitRef: null, Ct);

        Assert.Equal(text, read);
        Assert.Equal("/repos/acme/widgets/contents/docs/readme.md", Assert.Single(_github.Requests).Path);
    }

    [Fact]
    public async Task Reading_at_a_ref_reads_that_version()
    {
        _github.SeedFile(Repository, "VERSION", "2.0");
        _github.SeedFile(Repository, "VERSION", "1.0", gitRef: "release/1.x");

        var read = await _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "VERSION", "release/1.x", Ct);

        Assert.Equal("1.0", read);
        Assert.Equal("/repos/acme/widgets/contents/VERSION?ref=release%2F1.x", Assert.Single(_github.Requests).Path);
    }

    [Fact]
    public async Task Path_segments_are_percent_escaped()
    {
        _github.SeedFile(Repository, "notes/a b#1?.md", "odd name");

        var read = await _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "notes/a b#1?.md", gitRef: null, Ct);

        Assert.Equal("odd name", read);
        Assert.Equal("/repos/acme/widgets/contents/notes/a%20b%231%3F.md", Assert.Single(_github.Requests).Path);
    }

    [Fact]
    public async Task A_file_of_exactly_one_mebibyte_is_read()
    {
        var text = new string('a', GitHubApiClient.MaxFileBytes);
        _github.SeedFile(Repository, "big.txt", text);

        var read = await _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "big.txt", gitRef: null, Ct);

        Assert.Equal(text.Length, read.Length);
    }

    [Fact]
    public async Task A_file_over_one_mebibyte_is_refused_as_invalid()
    {
        _github.SeedFile(Repository, "huge.log", new byte[GitHubApiClient.MaxFileBytes + 1]);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "huge.log", null, Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Contains("larger than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_is_refused_as_invalid()
    {
        _github.SeedFile(Repository, "logo.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFE]);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "logo.png", null, Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_is_refused_as_invalid()
    {
        _github.SeedFile(Repository, "src/app/main.cs", "class A {}");

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "src", null, Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Contains("directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_token_is_unauthorized()
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(_github.BaseUrl, "ghp_unknown", Repository, "t", "b", Ct));

        Assert.Equal(ConnectorFailure.Unauthorized, e.Kind);
        Assert.Empty(_github.Issues);
        Assert.DoesNotContain("ghp_unknown", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_revoked_between_calls_is_unauthorized()
    {
        _github.SeedFile(Repository, "a.txt", "a");
        await _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "a.txt", null, Ct);
        _github.RevokeToken(Token);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "a.txt", null, Ct));

        Assert.Equal(ConnectorFailure.Unauthorized, e.Kind);
        AssertSafe(e);
    }

    [Fact]
    public async Task A_spent_primary_rate_limit_is_rate_limited_until_the_reset()
    {
        _github.RateLimitNext(StatusCodes.Status403Forbidden, resetInSeconds: 120);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(_github.BaseUrl, Token, Repository, "t", "b", Ct));

        Assert.Equal(ConnectorFailure.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(120), e.RetryAfter);
        Assert.Empty(_github.Issues);
        Assert.Single(_github.Requests);
        AssertSafe(e);
    }

    [Fact]
    public async Task Http_429_is_rate_limited_with_its_retry_after()
    {
        _github.RateLimitNext(StatusCodes.Status429TooManyRequests, resetInSeconds: 45);

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CommentAsync(_github.BaseUrl, Token, Repository, 1, "hi", Ct));

        Assert.Equal(ConnectorFailure.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(45), e.RetryAfter);
    }

    [Fact]
    public async Task A_403_with_rate_limit_left_is_a_failure_not_a_rate_limit()
    {
        _github.FailNext(StatusCodes.Status403Forbidden, "Resource not accessible by integration");

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(_github.BaseUrl, Token, Repository, "t", "b", Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        Assert.DoesNotContain("integration", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_repository_is_not_found()
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(_github.BaseUrl, Token, "acme/nothing", "t", "b", Ct));

        Assert.Equal(ConnectorFailure.NotFound, e.Kind);
        AssertSafe(e);
    }

    [Fact]
    public async Task An_unknown_issue_is_not_found()
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CommentAsync(_github.BaseUrl, Token, Repository, 99, "hi", Ct));

        Assert.Equal(ConnectorFailure.NotFound, e.Kind);
        Assert.Empty(_github.Comments);
    }

    [Fact]
    public async Task An_unknown_file_or_ref_is_not_found()
    {
        _github.SeedFile(Repository, "a.txt", "a");

        var file = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "b.txt", null, Ct));
        var atRef = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "a.txt", "no-such-branch", Ct));

        Assert.Equal((ConnectorFailure.NotFound, ConnectorFailure.NotFound), (file.Kind, atRef.Kind));
    }

    [Fact]
    public async Task A_422_is_invalid_quoting_only_githubs_short_code()
    {
        await using var server = await LoopbackWebServer.StartAsync(_ => Results.Text(
            """{"message":"Validation Failed","errors":[{"resource":"Issue","code":"missing_field","field":"title"}],"documentation_url":"https://docs.github.com/rest","status":"422"}""",
            "application/json",
            statusCode: StatusCodes.Status422UnprocessableEntity));

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(server.Address, Token, Repository, "t", "b", Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Contains("missing_field", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Validation Failed", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.MovedPermanently)]
    public async Task Other_statuses_are_failures_without_retrying_or_following(HttpStatusCode status)
    {
        _github.FailNext((int)status, "Server Error");

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(_github.BaseUrl, Token, Repository, "t", "b", Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        Assert.Single(_github.Requests);
        Assert.Empty(_github.Issues);
        AssertSafe(e);
    }

    [Fact]
    public async Task An_answer_larger_than_the_bound_is_refused_as_a_failure()
    {
        var huge = $$"""{"number":1,"html_url":"https://github.com/acme/widgets/issues/1","padding":"{{new string('x', 1024 * 1024)}}"}""";
        await using var server = await LoopbackWebServer.StartAsync(_ => Results.Text(huge, "application/json", statusCode: StatusCodes.Status201Created));

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(server.Address, Token, Repository, "t", "b", Ct));

        Assert.Equal(ConnectorFailure.Failed, e.Kind);
        Assert.Contains("larger than", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("acme")]
    [InlineData("/widgets")]
    [InlineData("acme/")]
    [InlineData("acme/widgets/extra")]
    [InlineData("-acme/widgets")]
    [InlineData("ac me/widgets")]
    [InlineData("acme/..")]
    [InlineData("acme/.")]
    [InlineData("acme/wid%2Fgets")]
    [InlineData("acme/widgets?x=1")]
    [InlineData("acme_corp/widgets")]
    [InlineData("acme/widgets#frag")]
    public async Task A_malformed_repository_is_refused_before_any_request(string repository)
    {
        var issue = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(_github.BaseUrl, Token, repository, "t", "b", Ct));
        var comment = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CommentAsync(_github.BaseUrl, Token, repository, 1, "b", Ct));
        var read = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, repository, "a.txt", null, Ct));

        Assert.All([issue, comment, read], e => Assert.Equal(ConnectorFailure.Invalid, e.Kind));
        Assert.Empty(_github.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../other/secrets.txt")]
    [InlineData("docs/../../other")]
    [InlineData("docs/./a.md")]
    [InlineData("docs//a.md")]
    [InlineData("docs/")]
    [InlineData("docs\\..\\a.md")]
    [InlineData("docs/a\n.md")]
    public async Task A_path_that_climbs_or_is_not_relative_is_refused_before_any_request(string path)
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, Repository, path, null, Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Empty(_github.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("main branch")]
    [InlineData("main\r\n")]
    public async Task A_malformed_ref_is_refused_before_any_request(string gitRef)
    {
        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.ReadFileAsync(_github.BaseUrl, Token, Repository, "a.txt", gitRef, Ct));

        Assert.Equal(ConnectorFailure.Invalid, e.Kind);
        Assert.Empty(_github.Requests);
    }

    [Fact]
    public async Task A_missing_title_or_comment_body_or_bad_issue_number_is_refused_before_any_request()
    {
        var title = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(_github.BaseUrl, Token, Repository, " ", "b", Ct));
        var body = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CommentAsync(_github.BaseUrl, Token, Repository, 1, "", Ct));
        var number = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CommentAsync(_github.BaseUrl, Token, Repository, 0, "b", Ct));

        Assert.All([title, body, number], e => Assert.Equal(ConnectorFailure.Invalid, e.Kind));
        Assert.Empty(_github.Requests);
    }

    [Fact]
    public async Task A_malformed_token_is_unauthorized_before_any_request_and_not_quoted()
    {
        const string bad = "ghp_SECRET\nX-Injected: yes";

        var e = await Assert.ThrowsAsync<ConnectorApiException>(() => _client.CreateIssueAsync(_github.BaseUrl, bad, Repository, "t", "b", Ct));

        Assert.Equal(ConnectorFailure.Unauthorized, e.Kind);
        Assert.DoesNotContain("SECRET", e.ToString(), StringComparison.Ordinal);
        Assert.Empty(_github.Requests);
    }

    [Fact]
    public async Task Base64_content_in_the_fake_has_a_line_break_every_60_characters()
    {
        _github.SeedFile(Repository, "a.bin", Encoding.UTF8.GetBytes(new string('z', 100)));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_github.BaseUrl, "repos/acme/widgets/contents/a.bin"));
        request.Headers.Authorization = new("Bearer", Token);

        using var response = await _http.SendAsync(request, Ct);
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal("base64", (string?)json["encoding"]);
        var lines = ((string)json["content"]!).Split('\n');
        Assert.Equal([60, 60, 16, 0], lines.Select(static l => l.Length));
    }

    /// <summary>Neither the message nor anything chained to it (inner exceptions, stack) carries the token.</summary>
    private static void AssertSafe(ConnectorApiException e)
    {
        Assert.DoesNotContain(Token, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", e.Message, StringComparison.Ordinal);
    }
}
