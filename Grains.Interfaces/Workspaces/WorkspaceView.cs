using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A workspace as its admins see it; holds no secret.</summary>
/// <param name="WorkspaceId">The workspace id.</param>
/// <param name="Name">The workspace's display name.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Members">Its members, ordered by user id.</param>
/// <param name="Policy">Its policy.</param>
/// <param name="Model">Its model as resolved from the operator's catalogue now: the chosen entry's id, provider and prices, and its output limit.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspaceView")]
public sealed record WorkspaceView(
    string WorkspaceId,
    string Name,
    DateTimeOffset CreatedAt,
    ImmutableArray<WorkspaceMember> Members,
    WorkspacePolicy Policy,
    ModelSettings Model);
