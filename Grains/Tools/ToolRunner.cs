using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Notes;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Tools;

/// <summary>
/// Runs the four tools. Arguments are validated again here even though the run validated them, because this is the
/// last code before a side effect and must not trust its caller. A tool's failure is an unsuccessful outcome with a
/// short, argument-free reason; only cancellation propagates.
/// </summary>
public sealed class ToolRunner(
    IGrainFactory grains,
    IToolCatalog catalog,
    SmtpMailSender mail,
    WebhookPoster webhooks,
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

        using var document = JsonDocument.Parse(validation.CanonicalArguments!);
        var arguments = document.RootElement;
        try
        {
            var outcome = invocation.Tool switch
            {
                ToolNames.NotesRead => await ReadNotesAsync(invocation),
                ToolNames.NotesWrite => await WriteNoteAsync(invocation, arguments),
                ToolNames.EmailSend => await SendEmailAsync(invocation, arguments, cancellationToken),
                ToolNames.WebhookPost => await PostWebhookAsync(invocation, arguments, cancellationToken),
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
            return new ToolOutcome(false, $"Error: {invocation.Tool} failed ({Describe(e)}).", []);
        }
    }

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
