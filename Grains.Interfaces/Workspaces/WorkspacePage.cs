using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A page of the installation's workspaces, oldest first.</summary>
/// <param name="Workspaces">The workspaces on this page.</param>
/// <param name="Next">The <c>after</c> of the next page (the last workspace id here), or null when this is the last page.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspacePage")]
public sealed record WorkspacePage(ImmutableArray<WorkspaceSummary> Workspaces, string? Next);
