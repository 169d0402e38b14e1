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
            return new ToolOutcome(false, $"Refused: {validation.Error}", []);
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
                    return new ToolOutcome(false, $"Refused: {verdict.Blocked}.", [], $"{invocation.Tool} blocked before sending: {verdict.Blocked}.");
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
                _ => new ToolOutcome(false, $"Refused: the tool '{invocation.Tool}' has no runner.", []),
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
            var refused = e as EgressRefusedException ?? e.InnerException as EgressRefusedException;
            return new ToolOutcome(false, $"Error: {invocation.Tool} failed ({Describe(refused ?? e)}).", [], refused is null ? null : $"{invocation.Tool} refused: {refused.Message}");
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
            return new ToolOutcome(false, "Refused: the URL is not on this workspace's webhook allowlist.", []);
        }

        var status = await webhooks.PostAsync(url, arguments.GetProperty("message").GetString()!, invocation.IdempotencyKey, cancellationToken);
        var touched = ImmutableArray.Create(url.AbsoluteUri);
        return status is >= 200 and < 300
            ? new ToolOutcome(true, $"Posted to the webhook (HTTP {status}).", touched)
            : new ToolOutcome(false, $"Error: the webhook answered HTTP {status}.", touched);
    }

    // Exception messages can carry server text; the model gets a category instead.
    private static string Describe(Exception e) => e switch
    {
        SmtpCommandException => e.Message,
        EgressRefusedException refused => $"Refused: {refused.Description}",
        OperationCanceledException or TimeoutException => "timed out",
        HttpRequestException or IOException or System.Net.Sockets.SocketException => "the server could not be reached",
        WorkspaceNotFoundException => "the workspace does not exist",
        _ => "internal error",
    };
}
