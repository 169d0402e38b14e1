using System.Collections.Immutable;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Runs;

namespace Platform.Gateway.Security;

/// <summary>
/// The only way a request handler reaches grains: every reference it hands out is bound to the workspace of the
/// authenticated key, so no route can name another workspace.
/// </summary>
internal sealed class CallerWorkspace(IHttpContextAccessor accessor, IGrainFactory grains)
{
    private HttpContext Context => accessor.HttpContext ?? throw new InvalidOperationException("No request in progress.");

    public string WorkspaceId => Context.User.FindFirst(PlatformClaims.WorkspaceId)?.Value
        ?? throw new InvalidOperationException("The caller is not authenticated for a workspace.");

    public string UserId => Context.User.FindFirst(PlatformClaims.UserId)?.Value ?? "";

    public string KeyId => Context.User.FindFirst(PlatformClaims.KeyId)?.Value ?? "";

    /// <summary>Whether the caller's member holds <paramref name="role"/> now.</summary>
    public bool HasRole(WorkspaceRole role) => Context.User.HasClaim(PlatformClaims.Role, role.ToString());

    /// <summary>How the caller appears in audit entries.</summary>
    public string Actor => $"user:{UserId}";

    public IWorkspaceGrain Workspace => grains.GetGrain<IWorkspaceGrain>(WorkspaceId);

    public IAuditLogGrain Audit => grains.GetGrain<IAuditLogGrain>(WorkspaceId);

    public IApprovalGrain Approvals => grains.GetGrain<IApprovalGrain>(WorkspaceId);

    /// <summary>The caller as an approval decider: user id, roles and key from the authenticated key, never from a request body.</summary>
    public ApprovalDecider Decider => new(UserId, Roles, KeyId);

    /// <summary>The caller as the acting member of workspace changes: from the authenticated key, never from a request body.</summary>
    public ActingMember Member => new(UserId, KeyId, Roles);

    private ImmutableSortedSet<WorkspaceRole> Roles =>
        Context.User.FindAll(PlatformClaims.Role)
            .Select(static c => Enum.TryParse<WorkspaceRole>(c.Value, out var role) ? role : (WorkspaceRole?)null)
            .OfType<WorkspaceRole>()
            .ToImmutableSortedSet();

    public IBudgetGrain Budget => grains.GetGrain<IBudgetGrain>(WorkspaceId);

    public ISecretsGrain Secrets => grains.GetGrain<ISecretsGrain>(WorkspaceId);

    public IConnectorsGrain Connectors => grains.GetGrain<IConnectorsGrain>(WorkspaceId);

    /// <summary>This workspace's run listing.</summary>
    public IRunIndexGrain RunIndex => grains.GetGrain<IRunIndexGrain>(WorkspaceId);

    /// <summary>A run of this workspace; a malformed id is as unknown as another workspace's.</summary>
    public IAgentRunGrain Run(string runId) =>
        RunIds.IsValid(runId)
            ? grains.GetGrain<IAgentRunGrain>(RunIds.GrainKey(WorkspaceId, runId))
            : throw new WorkspaceNotFoundException($"No run '{runId}'.");
}
