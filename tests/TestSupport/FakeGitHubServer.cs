using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Platform.Testing;

/// <summary>
/// GitHub's REST API for tests, in its real wire format: create an issue (201 with <c>number</c> and <c>html_url</c>),
/// comment on one (201), read a file through the contents API (base64 with a line break every 60 characters and
/// <c>"encoding": "base64"</c>; files over 1 MB with empty content and <c>"encoding": "none"</c>; a directory as an
/// array). Unknown tokens get 401 <c>Bad credentials</c>, unknown repositories, issues, files and refs 404
/// <c>Not Found</c>, a missing title 422 <c>Validation Failed</c>; every answer carries <c>x-ratelimit-*</c> headers.
/// </summary>
/// <remarks>
/// Accepted tokens may change at any time (so revocation can be simulated). Repositories exist once added or seeded;
/// names compare case-insensitively, as on GitHub. Issues and comments are recorded.
/// </remarks>
public sealed class FakeGitHubServer : IAsyncDisposable
{
    /// <summary>The branch a contents request without <c>ref</c> reads.</summary>
    public const string DefaultBranch = "main";

    /// <summary>Above this size GitHub's contents API leaves <c>content</c> empty and says <c>"encoding": "none"</c>.</summary>
    public const int InlineContentLimit = 1024 * 1024;

    private const int RateLimit = 5000;

    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private Func<string, Task<bool>>? _check;
    private readonly ConcurrentDictionary<string, string> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Repository, string Ref, string Path), byte[]> _files = new(FileKeyComparer.Instance);
    private readonly ConcurrentQueue<FakeGitHubIssue> _issues = new();
    private readonly ConcurrentQueue<FakeGitHubComment> _comments = new();
    private readonly ConcurrentQueue<Func<JsonReply>> _interruptions = new();
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private LoopbackWebServer? _server;
    private int _used;
    private long _commentIds = 1_000_000;

    private FakeGitHubServer(TimeProvider time) => _time = time;

    /// <summary>The API root a client is configured with (<c>http://127.0.0.1:port/</c>, as <c>https://api.github.com/</c>).</summary>
    public Uri BaseUrl => Server.Address;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<RecordedHttpRequest> Requests => Server.Requests;

    /// <summary>Every issue created, in order.</summary>
    public IReadOnlyList<FakeGitHubIssue> Issues => [.. _issues];

    /// <summary>Every comment created, in order.</summary>
    public IReadOnlyList<FakeGitHubComment> Comments => [.. _comments];

    private LoopbackWebServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Starts a fake whose rate-limit reset times follow <paramref name="time"/> (default: the system clock).</summary>
    public static async Task<FakeGitHubServer> StartAsync(TimeProvider? time = null)
    {
        var fake = new FakeGitHubServer(time ?? TimeProvider.System);
        fake._server = await LoopbackWebServer.StartAsync(fake.Handle);
        return fake;
    }

    /// <summary>From now on, <paramref name="token"/> is accepted.</summary>
    public void AcceptToken(string token) => _tokens[token] = 0;

    /// <summary>From now on, <paramref name="token"/> gets 401 <c>Bad credentials</c>, as a revoked token does.</summary>
    public void RevokeToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>
    /// Also accepts any token <paramref name="check"/> calls valid: pass an OAuth server's introspection, and tokens it
    /// issued work here until it revokes them, as at the real provider.
    /// </summary>
    public void ValidateTokensWith(Func<string, Task<bool>> check) => _check = check;

    /// <summary>Makes <paramref name="repository"/> (<c>owner/name</c>) exist, with no files or issues.</summary>
    public void AddRepository(string repository) => _repositories.TryAdd(repository, repository);

    /// <summary>Puts a file at <paramref name="path"/> on <paramref name="gitRef"/>, creating the repository if needed.</summary>
    public void SeedFile(string repository, string path, byte[] content, string gitRef = DefaultBranch)
    {
        AddRepository(repository);
        _files[(repository, gitRef, path)] = content;
    }

    /// <summary>Puts a UTF-8 text file at <paramref name="path"/> on <paramref name="gitRef"/>.</summary>
    public void SeedFile(string repository, string path, string text, string gitRef = DefaultBranch) =>
        SeedFile(repository, path, Encoding.UTF8.GetBytes(text), gitRef);

    /// <summary>
    /// The next request is refused for its rate limit: with 403 (the primary limit spent: <c>x-ratelimit-remaining: 0</c>
    /// and a reset <paramref name="resetInSeconds"/> from now) or 429 (a secondary limit, with <c>retry-after</c>).
    /// </summary>
    public void RateLimitNext(int statusCode = StatusCodes.Status403Forbidden, int resetInSeconds = 60)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(statusCode is StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests, true);
        _interruptions.Enqueue(() =>
        {
            var reset = _time.GetUtcNow().ToUnixTimeSeconds() + resetInSeconds;
            var headers = new Dictionary<string, string>
            {
                ["x-ratelimit-limit"] = Invariant(RateLimit),
                ["x-ratelimit-remaining"] = "0",
                ["x-ratelimit-used"] = Invariant(RateLimit),
                ["x-ratelimit-reset"] = Invariant(reset),
                ["x-ratelimit-resource"] = "core",
            };
            if (statusCode == StatusCodes.Status429TooManyRequests)
            {
                headers["retry-after"] = Invariant(resetInSeconds);
            }

            return new JsonReply(statusCode, Message("API rate limit exceeded for user ID 1.", "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api", statusCode), headers);
        });
    }

    /// <summary>The next request is answered <paramref name="statusCode"/> with GitHub's error body carrying <paramref name="message"/>.</summary>
    public void FailNext(int statusCode, string message) =>
        _interruptions.Enqueue(() => new JsonReply(statusCode, Message(message, "https://docs.github.com/rest", statusCode), RateHeaders()));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private JsonReply Handle(RecordedHttpRequest request)
    {
        if (_interruptions.TryDequeue(out var interruption))
        {
            return interruption();
        }

        var authorization = request.Header("authorization");
        if (authorization is null)
        {
            return Reply(StatusCodes.Status401Unauthorized, Message("Requires authentication", "https://docs.github.com/rest", 401));
        }

        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !IsAccepted(authorization["Bearer ".Length..]))
        {
            return Reply(StatusCodes.Status401Unauthorized, Message("Bad credentials", "https://docs.github.com/rest", 401));
        }

        var question = request.Path.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? request.Path : request.Path[..question];
        var query = QueryHelpers.ParseQuery(question < 0 ? "" : request.Path[question..]);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments.Length < 4 || segments[0] != "repos" || !_repositories.TryGetValue($"{segments[1]}/{segments[2]}", out var repository))
        {
            return NotFound("https://docs.github.com/rest");
        }

        return (request.Method, segments[3], segments.Length) switch
        {
            ("POST", "issues", 4) => CreateIssue(repository, request.Body),
            ("POST", "issues", 6) when segments[5] == "comments" => Comment(repository, segments[4], request.Body),
            ("GET", "contents", > 4) => Contents(repository, string.Join('/', segments[4..]), query.TryGetValue("ref", out var gitRef) ? gitRef.ToString() : DefaultBranch),
            _ => NotFound("https://docs.github.com/rest"),
        };
    }

    private JsonReply CreateIssue(string repository, string body)
    {
        var json = Parse(body);
        if (json?["title"] is not JsonValue titleValue || !titleValue.TryGetValue<string>(out var title) || title.Length == 0)
        {
            return Reply(StatusCodes.Status422UnprocessableEntity, new JsonObject
            {
                ["message"] = "Validation Failed",
                ["errors"] = new JsonArray(new JsonObject { ["resource"] = "Issue", ["code"] = "missing_field", ["field"] = "title" }),
                ["documentation_url"] = "https://docs.github.com/rest/issues/issues#create-an-issue",
                ["status"] = "422",
            });
        }

        var text = json["body"] is JsonValue b && b.TryGetValue<string>(out var s) ? s : null;
        int number;
        lock (_lock)
        {
            number = _issues.Count(i => i.Repository == repository) + 1;
            _issues.Enqueue(new FakeGitHubIssue(repository, number, title, text));
        }

        var api = $"https://api.github.com/repos/{repository}/issues/{number}";
        return Reply(StatusCodes.Status201Created, new JsonObject
        {
            ["id"] = 2_000_000 + number,
            ["node_id"] = $"I_fake{number}",
            ["url"] = api,
            ["repository_url"] = $"https://api.github.com/repos/{repository}",
            ["comments_url"] = $"{api}/comments",
            ["html_url"] = $"https://github.com/{repository}/issues/{number}",
            ["number"] = number,
            ["state"] = "open",
            ["title"] = title,
            ["body"] = text,
            ["user"] = User(),
            ["labels"] = new JsonArray(),
            ["comments"] = 0,
            ["created_at"] = Timestamp(),
            ["updated_at"] = Timestamp(),
        }, new("Location", api));
    }

    private JsonReply Comment(string repository, string issue, string body)
    {
        if (!int.TryParse(issue, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || !_issues.Any(i => i.Repository == repository && i.Number == number))
        {
            return NotFound("https://docs.github.com/rest/issues/comments#create-an-issue-comment");
        }

        if (Parse(body)?["body"] is not JsonValue value || !value.TryGetValue<string>(out var text) || text.Length == 0)
        {
            return Reply(StatusCodes.Status422UnprocessableEntity, new JsonObject
            {
                ["message"] = "Invalid request.\n\n\"body\" wasn't supplied.",
                ["documentation_url"] = "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
                ["status"] = "422",
            });
        }

        var id = Interlocked.Increment(ref _commentIds);
        _comments.Enqueue(new FakeGitHubComment(repository, number, id, text));
        var api = $"https://api.github.com/repos/{repository}/issues/comments/{id}";
        return Reply(StatusCodes.Status201Created, new JsonObject
        {
            ["id"] = id,
            ["node_id"] = $"IC_fake{id}",
            ["url"] = api,
            ["html_url"] = $"https://github.com/{repository}/issues/{number}#issuecomment-{id}",
            ["issue_url"] = $"https://api.github.com/repos/{repository}/issues/{number}",
            ["body"] = text,
            ["user"] = User(),
            ["created_at"] = Timestamp(),
            ["updated_at"] = Timestamp(),
        }, new("Location", api));
    }

    private JsonReply Contents(string repository, string path, string gitRef)
    {
        const string Docs = "https://docs.github.com/rest/repos/contents#get-repository-content";
        if (_files.TryGetValue((repository, gitRef, path), out var content))
        {
            var entry = Entry(repository, gitRef, path, "file", content);
            var inline = content.Length <= InlineContentLimit;
            entry["content"] = inline ? Base64Lines(content) : "";
            entry["encoding"] = inline ? "base64" : "none";
            return Reply(StatusCodes.Status200OK, entry);
        }

        var prefix = path + "/";
        var children = _files
            .Where(f => string.Equals(f.Key.Repository, repository, StringComparison.OrdinalIgnoreCase) && f.Key.Ref == gitRef && f.Key.Path.StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => (Remainder: f.Key.Path[prefix.Length..], f.Value))
            .GroupBy(f => f.Remainder.Split('/')[0], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Count() == 1 && !g.First().Remainder.Contains('/', StringComparison.Ordinal)
                ? Entry(repository, gitRef, prefix + g.Key, "file", g.First().Value)
                : Entry(repository, gitRef, prefix + g.Key, "dir", null))
            .ToArray();
        return children.Length > 0 ? Reply(StatusCodes.Status200OK, new JsonArray(children)) : NotFound(Docs);
    }

    /// <summary>A contents entry as GitHub lists it (file or directory), without content.</summary>
    private static JsonObject Entry(string repository, string gitRef, string path, string type, byte[]? content)
    {
        // Git names blobs by SHA-1; a truncated SHA-256 has the same shape and keeps the weak-hash analyzer quiet.
        var sha = Convert.ToHexStringLower(SHA256.HashData(content ?? Encoding.UTF8.GetBytes(path)))[..40];
        var api = $"https://api.github.com/repos/{repository}/contents/{path}?ref={gitRef}";
        var html = $"https://github.com/{repository}/{(type == "dir" ? "tree" : "blob")}/{gitRef}/{path}";
        return new JsonObject
        {
            ["type"] = type,
            ["size"] = content?.Length ?? 0,
            ["name"] = path[(path.LastIndexOf('/') + 1)..],
            ["path"] = path,
            ["sha"] = sha,
            ["url"] = api,
            ["git_url"] = $"https://api.github.com/repos/{repository}/git/{(type == "dir" ? "trees" : "blobs")}/{sha}",
            ["html_url"] = html,
            ["download_url"] = type == "dir" ? null : $"https://raw.githubusercontent.com/{repository}/{gitRef}/{path}",
            ["_links"] = new JsonObject { ["self"] = api, ["git"] = $"https://api.github.com/repos/{repository}/git/blobs/{sha}", ["html"] = html },
        };
    }

    /// <summary>Base64 as GitHub sends file content: a line break after every 60 characters, and at the end.</summary>
    private static string Base64Lines(byte[] content)
    {
        var base64 = Convert.ToBase64String(content);
        var lines = new StringBuilder(base64.Length + (base64.Length / 60) + 1);
        for (var i = 0; i < base64.Length; i += 60)
        {
            lines.Append(base64.AsSpan(i, Math.Min(60, base64.Length - i))).Append('\n');
        }

        return lines.ToString();
    }

    private JsonReply NotFound(string documentation) => Reply(StatusCodes.Status404NotFound, Message("Not Found", documentation, 404));

    private JsonReply Reply(int statusCode, JsonNode body, KeyValuePair<string, string>? extra = null)
    {
        var headers = RateHeaders();
        if (extra is { } header)
        {
            headers[header.Key] = header.Value;
        }

        return new JsonReply(statusCode, body, headers);
    }

    /// <summary>The rate-limit headers GitHub puts on every answer; each request uses one of the hour's calls.</summary>
    private Dictionary<string, string> RateHeaders()
    {
        var used = Math.Min(Interlocked.Increment(ref _used), RateLimit - 1);
        return new Dictionary<string, string>
        {
            ["x-ratelimit-limit"] = Invariant(RateLimit),
            ["x-ratelimit-remaining"] = Invariant(RateLimit - used),
            ["x-ratelimit-used"] = Invariant(used),
            ["x-ratelimit-reset"] = Invariant(_time.GetUtcNow().ToUnixTimeSeconds() + 3600),
            ["x-ratelimit-resource"] = "core",
            ["x-github-api-version-selected"] = "2022-11-28",
        };
    }

    private static JsonObject Message(string message, string documentation, int status) => new()
    {
        ["message"] = message,
        ["documentation_url"] = documentation,
        ["status"] = Invariant(status),
    };

    private static JsonObject User() => new() { ["login"] = "fake-bot", ["id"] = 1, ["type"] = "Bot" };

    private string Timestamp() => _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static JsonNode? Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The fake's handlers are synchronous; a test server can afford to wait for the introspection call.
    private bool IsAccepted(string token) => _tokens.ContainsKey(token) || (_check is { } check && check(token).GetAwaiter().GetResult());
}
