using System.Collections.Immutable;
using Platform.Grains.Interfaces.Events;

namespace Platform.Grains.Events;

/// <summary>
/// A workspace's event feed. The bus delivers at least once (a publisher that lost a confirmation publishes again with
/// the same id), so the feed is where delivery becomes once: an id already kept is not added again. Kept events are
/// bounded (<see cref="MaxKept"/>, the oldest go first), and a repeat arrives within minutes of the first delivery, long
/// before its event could have been pushed out.
/// </summary>
// Pinned: stored rows are keyed by the grain type name, so a class rename must not change it.
[GrainType("workspaceevents")]
public sealed class WorkspaceEventsGrain(
    [PersistentState("events")] IPersistentState<WorkspaceEventsState> feed) : Grain, IWorkspaceEventsGrain
{
    /// <summary>How many events the feed keeps.</summary>
    public const int MaxKept = 1000;

    /// <summary>The most one <see cref="ListAsync"/> returns.</summary>
    public const int MaxListed = 500;

    private HashSet<Guid>? _ids;

    private HashSet<Guid> Ids => _ids ??= [.. feed.State.Events.Select(static e => e.EventId)];

    public async Task<bool> RecordAsync(WorkspaceEvent workspaceEvent)
    {
        ArgumentNullException.ThrowIfNull(workspaceEvent);
        if (!Ids.Add(workspaceEvent.EventId))
        {
            return false;
        }

        var events = feed.State.Events;
        events.Add(workspaceEvent);
        if (events.Count > MaxKept)
        {
            foreach (var dropped in events.Take(events.Count - MaxKept))
            {
                Ids.Remove(dropped.EventId);
            }

            events.RemoveRange(0, events.Count - MaxKept);
        }

        try
        {
            await feed.WriteStateAsync();
        }
        catch
        {
            // Not recorded: the bus redelivers it, and it must not count as seen then.
            Ids.Remove(workspaceEvent.EventId);
            events.Remove(workspaceEvent);
            throw;
        }

        return true;
    }

    public Task<ImmutableArray<WorkspaceEvent>> ListAsync(int limit)
    {
        if (limit is < 1 or > MaxListed)
        {
            return Task.FromException<ImmutableArray<WorkspaceEvent>>(new ArgumentException($"limit must be between 1 and {MaxListed}.", nameof(limit)));
        }

        var events = feed.State.Events;
        return Task.FromResult(events.AsEnumerable().Reverse().Take(limit).ToImmutableArray());
    }
}
