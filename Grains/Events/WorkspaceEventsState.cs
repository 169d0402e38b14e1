using Platform.Grains.Interfaces.Events;

namespace Platform.Grains.Events;

/// <summary>What a workspace's event feed persists: its newest events, oldest first, at most <see cref="WorkspaceEventsGrain.MaxKept"/>.</summary>
public sealed class WorkspaceEventsState
{
    public List<WorkspaceEvent> Events { get; set; } = [];
}
