using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Grains.Connectors.GitHub;
using Platform.Grains.Connectors.Slack;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Tools;

namespace Platform.Grains.Connectors;

/// <summary>
/// Runs the Slack, GitHub and HTTP tools. The connector is acquired at call time (so a revoked one is dark on the very
/// next call, and its token comes from the secret store only now), the scope is checked once more right before the side
/// effect, and a provider failure becomes an unsuccessful outcome without a token or a raw body in it.
/// </summary>
public sealed class ConnectorToolRunner(
    IGrainFactory grains,
    IHttpClientFactory clients,
    HttpToolClient http,
    IOptions<ConnectorsOptions> options,
    TimeProvider time,
    ILoggerFactory loggers)
{
    /// <summary>How many Slack messages a history read gives the model when the call does not say.</summary>
    public const int DefaultHistoryLimit = 20;

    public async Task<ToolOutcome> RunAsync(ToolInvocation invocation, JsonElement arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var connectorId = arguments.GetProperty("connector").GetString()!;
        ConnectorAccess access;
        try
        {
            access = await grains.GetGrain<IConnectorsGrain>(invocation.WorkspaceId).AcquireAsync(connectorId, invocation.RunId);
        }
        catch (ConnectorUnavailableException e)
        {
            return ToolOutcome.Refusal(e.Message, $"{invocation.Tool} refused: {e.Message}");
        }

        if (ConnectorTools.ScopeRefusal(access.Connector, invocation.Tool, arguments) is { } refusal)
        {
            return ToolOutcome.Refusal(refusal, $"{invocation.Tool} refused: {refusal}");
        }

        try
        {
            return invocation.Tool switch
            {
                ToolNames.SlackPostMessage => await PostSlackAsync(access, arguments, cancellationToken),
                ToolNames.SlackReadHistory => await ReadSlackAsync(access, arguments, cancellationToken),
                ToolNames.GitHubCreateIssue => await CreateIssueAsync(access, arguments, cancellationToken),
                ToolNames.GitHubComment => await CommentAsync(access, arguments, cancellationToken),
                ToolNames.GitHubReadFile => await ReadFileAsync(access, arguments, cancellationToken),
                ToolNames.HttpGet => await HttpGetAsync(access, arguments, cancellationToken),
                _ => await HttpPostAsync(access, arguments, invocation.IdempotencyKey, cancellationToken),
            };
        }
        catch (ConnectorApiException e)
        {
            return ToolOutcome.Failure(e.Message);
        }
    }

    private async Task<ToolOutcome> PostSlackAsync(ConnectorAccess access, JsonElement arguments, CancellationToken cancellationToken)
    {
        var channel = arguments.GetProperty("channel").GetString()!;
        var ts = await Slack.PostMessageAsync(options.Value.Slack.ApiBaseUrl!, access.BearerToken!, channel, arguments.GetProperty("text").GetString()!, cancellationToken);
        return new ToolOutcome(true, $"Posted to Slack channel {channel} (ts {ts}).", [$"slack:{channel}"]);
    }

    private async Task<ToolOutcome> ReadSlackAsync(ConnectorAccess access, JsonElement arguments, CancellationToken cancellationToken)
    {
        var channel = arguments.GetProperty("channel").GetString()!;
        var limit = arguments.TryGetProperty("limit", out var l) ? l.GetInt32() : DefaultHistoryLimit;
        var messages = await Slack.ReadHistoryAsync(options.Value.Slack.ApiBaseUrl!, access.BearerToken!, channel, limit, cancellationToken);
        var result = JsonSerializer.Serialize(new { channel, messages = messages.Select(m => new { user = m.User, text = m.Text, ts = m.Ts }) }, JsonSerializerOptions.Web);
        return new ToolOutcome(true, result, [$"slack:{channel}"]);
    }

    private async Task<ToolOutcome> CreateIssueAsync(ConnectorAccess access, JsonElement arguments, CancellationToken cancellationToken)
    {
        var repository = arguments.GetProperty("repository").GetString()!;
        var issue = await GitHub.CreateIssueAsync(options.Value.GitHub.ApiBaseUrl!, access.BearerToken!, repository, arguments.GetProperty("title").GetString()!, arguments.GetProperty("body").GetString()!, cancellationToken);
        return new ToolOutcome(true, $"Opened issue #{issue.Number.ToString(CultureInfo.InvariantCulture)} in {repository}: {issue.HtmlUrl}", [$"github:{repository}#{issue.Number.ToString(CultureInfo.InvariantCulture)}"]);
    }

    private async Task<ToolOutcome> CommentAsync(ConnectorAccess access, JsonElement arguments, CancellationToken cancellationToken)
    {
        var repository = arguments.GetProperty("repository").GetString()!;
        var number = arguments.GetProperty("issue_number").GetInt32();
        var url = await GitHub.CommentAsync(options.Value.GitHub.ApiBaseUrl!, access.BearerToken!, repository, number, arguments.GetProperty("body").GetString()!, cancellationToken);
        return new ToolOutcome(true, $"Commented on {repository}#{number.ToString(CultureInfo.InvariantCulture)}: {url}", [$"github:{repository}#{number.ToString(CultureInfo.InvariantCulture)}"]);
    }

    private async Task<ToolOutcome> ReadFileAsync(ConnectorAccess access, JsonElement arguments, CancellationToken cancellationToken)
    {
        var repository = arguments.GetProperty("repository").GetString()!;
        var path = arguments.GetProperty("path").GetString()!;
        var gitRef = arguments.TryGetProperty("ref", out var r) ? r.GetString() : null;
        var text = await GitHub.ReadFileAsync(options.Value.GitHub.ApiBaseUrl!, access.BearerToken!, repository, path, gitRef, cancellationToken);
        return new ToolOutcome(true, text, [$"github:{repository}/{path}"]);
    }

    private async Task<ToolOutcome> HttpGetAsync(ConnectorAccess access, JsonElement arguments, CancellationToken cancellationToken)
    {
        var url = new Uri(arguments.GetProperty("url").GetString()!, UriKind.Absolute);
        var (status, body) = await http.GetAsync(url, access.BearerToken, cancellationToken);
        return HttpOutcome(status, body, url);
    }

    private async Task<ToolOutcome> HttpPostAsync(ConnectorAccess access, JsonElement arguments, string idempotencyKey, CancellationToken cancellationToken)
    {
        var url = new Uri(arguments.GetProperty("url").GetString()!, UriKind.Absolute);
        var (status, body) = await http.PostAsync(url, arguments.GetProperty("body").GetString()!, access.BearerToken, idempotencyKey, cancellationToken);
        return HttpOutcome(status, body, url);
    }

    // The body is the server's text: the model reads it as untrusted data, the receipt only the status.
    private static ToolOutcome HttpOutcome(int status, string body, Uri url)
    {
        var succeeded = status is >= 200 and < 300;
        var code = status.ToString(CultureInfo.InvariantCulture);
        return new ToolOutcome(succeeded, $"HTTP {code}\n{body}", ImmutableArray.Create(url.AbsoluteUri), FailureReason: succeeded ? null : $"the server answered HTTP {code}");
    }

    // Per call: a typed client's HttpClient must not outlive its handler's rotation, and this runner is a singleton.
    private SlackApiClient Slack => new(clients.CreateClient(SlackApiClient.HttpClientName), time, loggers.CreateLogger<SlackApiClient>());

    private GitHubApiClient GitHub => new(clients.CreateClient(GitHubApiClient.HttpClientName), time, loggers.CreateLogger<GitHubApiClient>());
}
