using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Platform.Grains.Interfaces.Runs;

namespace Platform.Grains.Runs;

/// <summary>
/// A workspace's run listing (key: workspace id). Runs write their own entries (<see cref="AgentRunGrain"/>), so the
/// listing holds exactly the runs of this workspace. Ordered by start time, newest first; ties by run id, so paging is
/// stable while new runs arrive.
/// </summary>
[GrainType("run-index")]
public sealed class RunIndexGrain(
    [PersistentState("runs")] IPersistentState<RunIndexState> index,
    IOptions<RunIndexOptions> options) : Grain, IRunIndexGrain
{
    /// <summary>The most runs one <see cref="ListAsync"/> returns.</summary>
    public const int MaxLimit = 1000;

    private static readonly Comparison<RunSummary> s_newestFirst = static (a, b) =>
    {
        var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(b.RunId, a.RunId);
    };

    private ImmutableArray<RunSummary>? _ordered;

    private RunIndexState State => index.State;

    public async Task RecordAsync(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!RunIds.IsValid(run.RunId))
        {
            throw new ArgumentException($"'{run.RunId}' is not a run id.", nameof(run));
        }

        // A run never leaves a final status, so a late report of an earlier step (same clock reading or older) is ignored.
        if (State.Runs.TryGetValue(run.RunId, out var kept) && (kept == run || run.UpdatedAt < kept.UpdatedAt || (IsFinal(kept.Status) && !IsFinal(run.Status))))
        {
            return;
        }

        State.Runs[run.RunId] = run;
        DropBeyondLimit();
        _ordered = null;
        await index.WriteStateAsync();
    }

    public Task<RunPage> ListAsync(RunStatus? status, string? after, int limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new ArgumentException($"limit must be between 1 and {MaxLimit}.", nameof(limit));
        }

        var ordered = _ordered ??= [.. State.Runs.Values.Order(Comparer<RunSummary>.Create(s_newestFirst))];
        var start = 0;
        if (after is not null)
        {
            if (!State.Runs.TryGetValue(after, out var cursor))
            {
                throw new ArgumentException($"after must be the id of a listed run (the \"next\" of the previous page); '{after}' is not listed in this workspace.", nameof(after));
            }

            start = ordered.IndexOf(cursor) + 1;
        }

        var page = ImmutableArray.CreateBuilder<RunSummary>(Math.Min(limit, ordered.Length));
        var i = start;
        for (; i < ordered.Length && page.Count < limit; i++)
        {
            if (status is null || ordered[i].Status == status)
            {
                page.Add(ordered[i]);
            }
        }

        var more = false;
        for (var j = i; j < ordered.Length && !more; j++)
        {
            more = status is null || ordered[j].Status == status;
        }

        return Task.FromResult(new RunPage(page.ToImmutable(), more ? page[^1].RunId : null));
    }

    /// <summary>Drops the oldest finished runs beyond the limit, and only if that is not enough, the oldest unfinished ones.</summary>
    private void DropBeyondLimit()
    {
        var excess = State.Runs.Count - options.Value.MaxListed;
        if (excess <= 0)
        {
            return;
        }

        var oldestFirst = State.Runs.Values.Order(Comparer<RunSummary>.Create(s_newestFirst)).Reverse().ToList();
        var dropped = oldestFirst.Where(static r => IsFinal(r.Status)).Take(excess).ToList();
        dropped.AddRange(oldestFirst.Where(static r => !IsFinal(r.Status)).Take(excess - dropped.Count));
        foreach (var run in dropped)
        {
            State.Runs.Remove(run.RunId);
        }
    }

    private static bool IsFinal(RunStatus status) => status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;
}
