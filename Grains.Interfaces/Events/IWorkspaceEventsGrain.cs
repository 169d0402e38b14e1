using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Events;

/// <summary>
/// A workspace's event feed (key: workspace id): the platform events the bus delivered for the workspace, newest
/// first, each once however often the bus delivered it. What the web chat and the bridges show as notifications.
/// </summary>
public interface IWorkspaceEventsGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="workspaceEvent"/> unless an event with its id is already in the feed; says whether it was new.</summary>
    Task<bool> RecordAsync(WorkspaceEvent workspaceEvent);

    /// <summary>The newest <paramref name="limit"/> events (1–500), newest first.</summary>
    [AlwaysInterleave]
    Task<ImmutableArray<WorkspaceEvent>> ListAsync(int limit);
}
