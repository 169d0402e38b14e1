using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.Grains.Connectors;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Notes;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Tools;

/// <summary>
/// Runs the tools. Arguments are validated again here even though the run validated them, because this is the
/// last code before a side effect and must not trust its caller. A tool's failure is an unsuccessful outcome with a
/// short, argument-free reason; only cancellation propagates.
/// </summary>
public sealed class ToolRunner(
    IGrainFactory grains,
    IToolCatalog catalog,
    SmtpMailSender mail,
    WebhookPoster webhooks,
    ConnectorToolRunner connectors,
    EgressGuard egress,
    ILogger<ToolRunner> logger) : IToolRunner
{
    /// <summary>How many notes <c>notes.read</c> gives the model at most (the newest), so one call cannot flood a prompt.</summary>
    public const int MaxNotesRead = 100;

    public async Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var validation = catalog.Validate(invocation.Tool, invocation.CanonicalArguments);
        if (!validation.IsValid)
        {
            ToolsLog.ToolRefused(logger, invocation.WorkspaceId, invocation.RunId, validation.Definition?.Name ?? "unknown", "invalid arguments");
            return ToolOutcome.Refusal(validation.Error!);
        }

        try
        {
            var canonical = validation.CanonicalArguments!;
            if (LeavesWorkspace(invocation.Tool))
            {
                // The last look before anything leaves: the run checked too, but a secret may have been set since.
                var policy = (await grains.GetGrain<IWorkspaceGrain>(invocation.WorkspaceId).GetAsync()).Policy;
                var verdict = await egress.InspectJsonAsync(invocation.WorkspaceId, canonical, policy.EffectiveEgress);
                if (verdict.IsBlocked)
                {
                    ToolsLog.ToolRefused(logger, invocation.WorkspaceId, invocation.RunId, invocation.Tool, "egress blocked");
                    return ToolOutcome.Refusal($"nothing was sent because {verdict.Blocked}", $"{invocation.Tool} blocked before sending: {verdict.Blocked}.");
                }

                canonical = verdict.Content;
            }

            using var document = JsonDocument.Parse(canonical);
            var arguments = document.RootElement;
            var outcome = invocation.Tool switch
            {
                ToolNames.NotesRead => await ReadNotesAsync(invocation),
                ToolNames.NotesWrite => await WriteNoteAsync(invocation, arguments),
                ToolNames.EmailSend => await SendEmailAsync(invocation, arguments, cancellationToken),
                ToolNames.WebhookPost => await PostWebhookAsync(invocation, arguments, cancellationToken),
                _ when ConnectorTools.KindOf(invocation.Tool) is not null => await connectors.RunAsync(invocation, arguments, cancellationToken),
                _ => ToolOutcome.Refusal($"the tool '{invocation.Tool}' has no runner"),
            };
            if (outcome.Succeeded)
            {
                ToolsLog.ToolSucceeded(logger, invocation.WorkspaceId, invocation.RunId, invocation.Tool);
            }

            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            ToolsLog.ToolFailed(logger, invocation.WorkspaceId, invocation.RunId, invocation.Tool, e.GetType().Name);

            // The handler's refusal of a private destination arrives wrapped by HttpClient; it is a guardrail, so the receipt says so.
            var refused = FindRefusal(e);
            return ToolOutcome.Failure(Describe(refused ?? e), [], refused is null ? null : $"{invocation.Tool} refused: {refused.Message}");
        }
    }

    /// <summary>Every tool but the notes ones reaches outside the workspace (even a GET carries its URL out).</summary>
    public static bool LeavesWorkspace(string tool) => tool is not (ToolNames.NotesRead or ToolNames.NotesWrite);

    private async Task<ToolOutcome> ReadNotesAsync(ToolInvocation invocation)
    {
        var notes = await grains.GetGrain<INotesGrain>(invocation.WorkspaceId).ReadAsync();
        var newest = notes.Length > MaxNotesRead ? notes[^MaxNotesRead..] : notes;
        var result = JsonSerializer.Serialize(
            new Dictionary<string, object> { ["notes"] = newest.Select(static n => new Dictionary<string, string> { ["id"] = n.NoteId, ["text"] = n.Text }).ToArray() },
            JsonSerializerOptions.Web);
        return new ToolOutcome(true, result, [.. newest.Select(static n => $"note:{n.NoteId}")]);
    }

    private async Task<ToolOutcome> WriteNoteAsync(ToolInvocation invocation, JsonElement arguments)
    {
        var written = await grains.GetGrain<INotesGrain>(invocation.WorkspaceId)
            .WriteAsync(new NoteWrite(invocation.IdempotencyKey, arguments.GetProperty("text").GetString()!));
        var result = written.Created ? $"Saved note {written.NoteId}." : $"Note {written.NoteId} was saved already.";
        return new ToolOutcome(true, result, [$"note:{written.NoteId}"]);
    }

    private async Task<ToolOutcome> SendEmailAsync(ToolInvocation invocation, JsonElement arguments, CancellationToken cancellationToken)
    {
        var to = arguments.GetProperty("to").GetString()!;
        await mail.SendAsync(to, arguments.GetProperty("subject").GetString()!, arguments.GetProperty("body").GetString()!, invocation.IdempotencyKey, cancellationToken);
        return new ToolOutcome(true, $"Sent the email to {to}.", [$"mailto:{to}"]);
    }

    private async Task<ToolOutcome> PostWebhookAsync(ToolInvocation invocation, JsonElement arguments, CancellationToken cancellationToken)
    {
        var url = new Uri(arguments.GetProperty("url").GetString()!, UriKind.Absolute);
        var policy = (await grains.GetGrain<IWorkspaceGrain>(invocation.WorkspaceId).GetAsync()).Policy;
        if (!WebhookAllowlist.IsAllowed(url, policy.WebhookAllowlist))
        {
            ToolsLog.ToolRefused(logger, invocation.WorkspaceId, invocation.RunId, invocation.Tool, "URL not on the webhook allowlist");
            return ToolOutcome.Refusal(WebhookAllowlist.NotOnAllowlist);
        }

        int status;
        try
        {
            status = await webhooks.PostAsync(url, arguments.GetProperty("message").GetString()!, invocation.IdempotencyKey, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            ToolsLog.ToolFailed(logger, invocation.WorkspaceId, invocation.RunId, invocation.Tool, e.GetType().Name);
            var refused = FindRefusal(e);
            return ToolOutcome.Failure(WebhookFailure(url, refused ?? e), [], refused is null ? null : $"{invocation.Tool} refused: {refused.Message}");
        }

        var touched = ImmutableArray.Create(url.AbsoluteUri);
        return status is >= 200 and < 300
            ? new ToolOutcome(true, $"Posted to the webhook (HTTP {status}).", touched)
            : ToolOutcome.Failure($"the webhook answered HTTP {status}", touched);
    }

    /// <summary>Why a post did not reach the webhook, from what the platform knows: the URL's host and port and the kind of failure.</summary>
    private static string WebhookFailure(Uri url, Exception e)
    {
        var host = url.IdnHost;
        var endpoint = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{host}:{url.Port}");
        return e switch
        {
            EgressRefusedException refused => RefusedDestination("the webhook", refused),
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => $"the webhook host {host} could not be resolved",
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } http when FindSocketError(http) == System.Net.Sockets.SocketError.ConnectionRefused => $"the webhook host {endpoint} refused the connection",
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => $"the TLS handshake with the webhook host {endpoint} failed",
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse } => $"the webhook host {endpoint} sent no valid HTTP answer",
            HttpRequestException => $"the webhook host {endpoint} could not be reached",
            _ => $"the webhook host {endpoint} did not answer in time (Platform:Webhooks:Timeout)",
        };
    }

    /// <summary>A refused private destination as a phrase: "the webhook host hooks.internal resolved to a private address and was refused".</summary>
    private static string RefusedDestination(string what, EgressRefusedException refused)
    {
        var host = refused.Host.Trim('[', ']');
        var article = "aeiouAEIOU".Contains(refused.Reason[0], StringComparison.Ordinal) ? "an" : "a";
        return System.Net.IPAddress.TryParse(host, out _)
            ? $"{what} address {refused.Host} is {article} {refused.Reason} address and was refused"
            : $"{what} host {refused.Host} resolved to {article} {refused.Reason} address and was refused";
    }

    private static EgressRefusedException? FindRefusal(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is EgressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static System.Net.Sockets.SocketError? FindSocketError(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }

    // Exception messages can carry server text; the receipt and the model get the platform's own words instead.
    private static string Describe(Exception e) => e switch
    {
        MailRelayException => e.Message,
        EgressRefusedException refused => RefusedDestination("the destination", refused),
        OperationCanceledException or TimeoutException => "the call did not finish in time",
        HttpRequestException or IOException or System.Net.Sockets.SocketException => "the server could not be reached",
        WorkspaceNotFoundException => "the workspace does not exist",
        _ => "an internal error stopped it",
    };
}
