using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Platform.Grains.Connectors.GitHub;

/// <summary>
/// Calls GitHub's REST API with a token: opens an issue, comments on one, reads a text file. Repository names and paths
/// are checked before any URL is built; every failure becomes a <see cref="ConnectorApiException"/> whose message is
/// safe to hand to a model (GitHub's own message text is not quoted, only a validation error's short code).
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> is the caller's named client (no redirects, bounded time); this class never follows a
/// redirect nor re-issues a request, so an issue or comment is created at most once per call.
/// </remarks>
public sealed class GitHubApiClient(HttpClient http, TimeProvider time, ILogger<GitHubApiClient> logger)
{
    /// <summary>The name of the <see cref="HttpClient"/> meant for this client.</summary>
    public const string HttpClientName = "Platform.Connectors.GitHub";

    /// <summary>The largest file <see cref="ReadFileAsync"/> returns; larger files are refused rather than cut.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>The REST API version this client is written against; GitHub keeps a dated version's shapes stable.</summary>
    public const string ApiVersion = "2022-11-28";

    /// <summary>
    /// A contents answer carries the file as base64 with a line break every 60 characters (4/3 of the bytes plus 1/60)
    /// and metadata; twice the file limit holds any file this client would accept.
    /// </summary>
    private const int MaxContentsAnswerBytes = 2 * MaxFileBytes;

    private const string Provider = "GitHub";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>GitHub's own REST API base.</summary>
    public static Uri DefaultBaseUrl { get; } = new("https://api.github.com/");

    /// <summary>Opens an issue in <paramref name="repository"/> (<c>owner/name</c>) and answers its number and page.</summary>
    public async Task<GitHubIssue> CreateIssueAsync(Uri baseUrl, string token, string repository, string title, string body, CancellationToken cancellationToken)
    {
        var repositoryPath = GitHubNames.RepositoryPath(repository);
        if (string.IsNullOrWhiteSpace(title))
        {
            throw new ConnectorApiException(ConnectorFailure.Invalid, "An issue needs a title.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ConnectorHttp.NormalizeBase(baseUrl), $"{repositoryPath}/issues"))
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["title"] = title, ["body"] = body ?? "" }),
        };
        using var answer = await CallAsync(request, token, "create issue", HttpStatusCode.Created, ConnectorHttp.DefaultMaxBodyBytes, cancellationToken);
        var root = answer.RootElement;
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("number", out var number) && number.TryGetInt32(out var issueNumber)
            && HtmlUrl(root) is { } url)
        {
            return new GitHubIssue(issueNumber, url);
        }

        throw Unexpected("create issue");
    }

    /// <summary>Comments on issue (or pull request) <paramref name="issueNumber"/> and answers the comment's page.</summary>
    public async Task<Uri> CommentAsync(Uri baseUrl, string token, string repository, int issueNumber, string body, CancellationToken cancellationToken)
    {
        var repositoryPath = GitHubNames.RepositoryPath(repository);
        if (issueNumber < 1)
        {
            throw new ConnectorApiException(ConnectorFailure.Invalid, "The issue number must be positive.");
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            throw new ConnectorApiException(ConnectorFailure.Invalid, "A comment needs a body.");
        }

        var path = $"{repositoryPath}/issues/{issueNumber.ToString(CultureInfo.InvariantCulture)}/comments";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ConnectorHttp.NormalizeBase(baseUrl), path))
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["body"] = body }),
        };
        using var answer = await CallAsync(request, token, "comment", HttpStatusCode.Created, ConnectorHttp.DefaultMaxBodyBytes, cancellationToken);
        return answer.RootElement.ValueKind == JsonValueKind.Object && HtmlUrl(answer.RootElement) is { } url ? url : throw Unexpected("comment");
    }

    /// <summary>
    /// Reads the UTF-8 text file at <paramref name="path"/> (at <paramref name="gitRef"/>, or the default branch) through
    /// the contents API. Directories, symlinks, submodules, files over <see cref="MaxFileBytes"/> and files that are not
    /// UTF-8 text are refused as <see cref="ConnectorFailure.Invalid"/>.
    /// </summary>
    public async Task<string> ReadFileAsync(Uri baseUrl, string token, string repository, string path, string? gitRef, CancellationToken cancellationToken)
    {
        var relative = $"{GitHubNames.RepositoryPath(repository)}/contents/{GitHubNames.EscapedFilePath(path)}";
        if (gitRef is not null)
        {
            relative += $"?ref={GitHubNames.EscapedRef(gitRef)}";
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ConnectorHttp.NormalizeBase(baseUrl), relative));
        using var answer = await CallAsync(request, token, "read file", HttpStatusCode.OK, MaxContentsAnswerBytes, cancellationToken);
        var root = answer.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            throw Refuse("read file", "That path is a directory, not a file.");
        }

        if (root.ValueKind != JsonValueKind.Object || String(root, "type") is not { } type)
        {
            throw Unexpected("read file");
        }

        if (type != "file")
        {
            throw Refuse("read file", "That path is not a regular file.");
        }

        // GitHub sends files over 1 MB with "encoding": "none" and empty content; the size field tells either way.
        if (root.TryGetProperty("size", out var size) && size.TryGetInt64(out var bytes) && bytes > MaxFileBytes)
        {
            throw TooLarge();
        }

        if (String(root, "encoding") != "base64" || String(root, "content") is not { } content)
        {
            throw String(root, "encoding") == "none" ? TooLarge() : Unexpected("read file");
        }

        byte[] decoded;
        try
        {
            // Convert ignores the line breaks GitHub puts every 60 characters.
            decoded = Convert.FromBase64String(content);
        }
        catch (FormatException)
        {
            throw Unexpected("read file");
        }

        if (decoded.Length > MaxFileBytes)
        {
            throw TooLarge();
        }

        try
        {
            var text = StrictUtf8.GetString(decoded);
            return text.StartsWith('\uFEFF') ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            throw Refuse("read file", "That file is not UTF-8 text.");
        }

        ConnectorApiException TooLarge() => Refuse("read file", $"That file is larger than {MaxFileBytes} bytes, the most this tool reads.");
    }

    /// <summary>Sends the request with GitHub's required headers and answers the parsed body of an <paramref name="expected"/> answer.</summary>
    private async Task<JsonDocument> CallAsync(HttpRequestMessage request, string token, string operation, HttpStatusCode expected, int limit, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = ConnectorHttp.Bearer(token, Provider);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", ApiVersion);
        request.Headers.UserAgent.ParseAdd("Platform-Connectors/1.0");
        using var response = await ConnectorHttp.SendAsync(http, request, Provider, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.StatusCode != expected)
        {
            throw await FailureAsync(response, operation, cancellationToken);
        }

        var body = await ConnectorHttp.ReadBoundedAsync(response, limit, Provider, cancellationToken);
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw Fail(operation, status, "unexpected_answer", ConnectorFailure.Failed, "GitHub answered in an unexpected shape.");
        }
    }

    /// <summary>
    /// Maps a non-success answer: 401 is the token; 429, or 403 with the rate limit spent or a Retry-After, is a rate
    /// limit (GitHub answers both for primary and secondary limits); 404 is not found (or not visible to this token);
    /// 422 is a validation error, quoted by its short code only.
    /// </summary>
    private async Task<ConnectorApiException> FailureAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                return Fail(operation, status, "", ConnectorFailure.Unauthorized, "GitHub refused the token (HTTP 401); reconnect the GitHub account.");
            case HttpStatusCode.TooManyRequests:
            case HttpStatusCode.Forbidden when IsRateLimited(response):
                return Fail(operation, status, "", ConnectorFailure.RateLimited, $"GitHub is rate limiting these calls (HTTP {status}); try again later.", RetryAfter(response));
            case HttpStatusCode.NotFound:
                return Fail(operation, status, "", ConnectorFailure.NotFound, "GitHub cannot find that repository, issue or file, or this token may not see it (HTTP 404).");
            case HttpStatusCode.UnprocessableEntity:
                var code = await ValidationCodeAsync(response, cancellationToken);
                return Fail(operation, status, code ?? "", ConnectorFailure.Invalid, code is null
                    ? "GitHub rejected the request as invalid (HTTP 422)."
                    : $"GitHub rejected the request as invalid (HTTP 422, {code}).");
            default:
                return Fail(operation, status, "", ConnectorFailure.Failed, $"GitHub answered HTTP {status}.");
        }
    }

    private static bool IsRateLimited(HttpResponseMessage response) =>
        response.Headers.RetryAfter is not null
        || (response.Headers.TryGetValues("x-ratelimit-remaining", out var remaining) && remaining.FirstOrDefault() == "0");

    /// <summary>Retry-After when GitHub sent it (secondary limits), else the time until <c>x-ratelimit-reset</c> (epoch seconds).</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (ConnectorHttp.RetryAfter(response, time) is { } wait)
        {
            return wait;
        }

        if (response.Headers.TryGetValues("x-ratelimit-reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var until = DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow();
            return until > TimeSpan.Zero ? until : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>The first short error code of a 422 answer (<c>errors[0].code</c>, e.g. <c>missing_field</c>), or null.</summary>
    private static async Task<string?> ValidationCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await ConnectorHttp.ReadBoundedAsync(response, 64 * 1024, Provider, cancellationToken);
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object
                && String(errors[0], "code") is { } code && ConnectorHttp.IsShortCode(code))
            {
                return code;
            }
        }
        catch (Exception e) when (e is ConnectorApiException or JsonException)
        {
            // The status already says "invalid"; a body that cannot tell more changes nothing.
        }

        return null;
    }

    private ConnectorApiException Fail(string operation, int status, string code, ConnectorFailure kind, string message, TimeSpan? retryAfter = null)
    {
        ConnectorsLog.CallFailed(logger, Provider, operation, kind, status, code);
        return new ConnectorApiException(kind, message, retryAfter);
    }

    private ConnectorApiException Refuse(string operation, string message) => Fail(operation, 200, "refused", ConnectorFailure.Invalid, message);

    private ConnectorApiException Unexpected(string operation) =>
        Fail(operation, 200, "unexpected_answer", ConnectorFailure.Failed, "GitHub answered in an unexpected shape.");

    private static Uri? HtmlUrl(JsonElement element) =>
        String(element, "html_url") is { } text && Uri.TryCreate(text, UriKind.Absolute, out var url) ? url : null;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
