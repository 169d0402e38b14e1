using System.Collections.Immutable;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Runs;

namespace Platform.Gateway.Apis;

/// <summary>Agent runs of the caller's workspace: list, estimate, start, watch, cancel, receipt.</summary>
internal static class RunsApi
{
    private static readonly TimeSpan s_eventPoll = TimeSpan.FromMilliseconds(200);

    // The names clients see in every run's "status", so the filter accepts exactly those.
    private static readonly ImmutableArray<(string Name, RunStatus Status)> s_statuses =
        [.. Enum.GetValues<RunStatus>().Select(static s => (JsonNamingPolicy.CamelCase.ConvertName(s.ToString()), s))];

    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder routes)
    {
        var runs = routes.MapGroup("/api/runs").RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Member)).WithTags("Runs");
        runs.MapGet("/", ListAsync).WithName("ListRuns");
        runs.MapPost("/estimate", EstimateAsync).WithName("EstimateRun");
        runs.MapPost("/", StartAsync).WithName("StartRun");
        runs.MapGet("/{runId}", GetAsync).WithName("GetRun");
        runs.MapGet("/{runId}/events", Events).WithName("RunEvents");
        runs.MapPost("/{runId}/cancel", CancelAsync).WithName("CancelRun");
        runs.MapGet("/{runId}/receipt", ReceiptAsync).WithName("GetRunReceipt");
        return routes;
    }

    /// <summary>The workspace's runs, newest first: ids, status, times and cost, never the input (the run's own route has it).</summary>
    public static async Task<Ok<RunPage>> ListAsync(CallerWorkspace caller, string? status = null, string? after = null, int limit = 100)
    {
        RunStatus? wanted = null;
        if (status is not null)
        {
            wanted = s_statuses.FirstOrDefault(s => string.Equals(s.Name, status, StringComparison.OrdinalIgnoreCase)) is { Name: not null } match
                ? match.Status
                : throw new ArgumentException($"status must be one of {string.Join(", ", s_statuses.Select(static s => s.Name))}.", nameof(status));
        }

        if (after is not null && !RunIds.IsValid(after))
        {
            throw new ArgumentException("after must be a run id (the \"next\" of the previous page).", nameof(after));
        }

        if (limit is < 1 or > RunIndexGrain.MaxLimit)
        {
            throw new ArgumentException($"limit must be between 1 and {RunIndexGrain.MaxLimit}.", nameof(limit));
        }

        return TypedResults.Ok(await caller.RunIndex.ListAsync(wanted, after, limit));
    }

    public static async Task<Ok<RunEstimate>> EstimateAsync(EstimateRunRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        RunRules.ValidateInput(request.Input);
        var model = (await caller.Workspace.GetAsync()).Model;
        var estimate = RunCost.EstimateFirstCall(model, request.Input);
        return TypedResults.Ok(new RunEstimate(estimate.Micros, model.CatalogId, estimate.PromptTokens, model.MaxOutputTokens));
    }

    public static async Task<Created<StartRunResponse>> StartAsync(StartRunRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        var runId = RunIds.NewRunId();
        var run = await caller.Run(runId).StartAsync(new StartRun(request.Input, caller.UserId, request.MaxCost, caller.KeyId.Length == 0 ? null : caller.KeyId));
        return TypedResults.Created($"/api/runs/{runId}", new StartRunResponse(runId, run.EstimateMicros));
    }

    public static async Task<Ok<RunView>> GetAsync(string runId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Run(runId).GetAsync());

    public static async Task<Ok<RunView>> CancelAsync(string runId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Run(runId).CancelAsync(caller.Actor));

    public static async Task<Ok<RunReceipt>> ReceiptAsync(string runId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Run(runId).GetReceiptAsync());

    /// <summary>Server-sent events: every step of the run as it happens, ending when the run ends.</summary>
    public static async Task<ServerSentEventsResult<RunEvent>> Events(string runId, CallerWorkspace caller, HttpContext context)
    {
        var run = caller.Run(runId);

        // Fails here with 404 for an unknown run, before the event stream has started.
        await run.GetAsync();
        return TypedResults.ServerSentEvents(StreamAsync(run, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<RunEvent>> StreamAsync(IAgentRunGrain run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await run.GetEventsAsync(after);
            foreach (var runEvent in page.Events)
            {
                after = runEvent.Sequence;
                yield return new SseItem<RunEvent>(runEvent, runEvent.Kind) { EventId = runEvent.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }

            if (page.Finished)
            {
                yield break;
            }

            await Task.Delay(s_eventPoll, cancellationToken);
        }
    }
}
