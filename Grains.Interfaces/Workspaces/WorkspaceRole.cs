namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>What a member may do in a workspace. Roles add up; an owner can do everything an admin can.</summary>
public enum WorkspaceRole
{
    /// <summary>Uses the agent: starts runs, reads their receipts.</summary>
    Member,

    /// <summary>Decides approvals: the human in "nothing leaves without a human's approval".</summary>
    Approver,

    /// <summary>Manages members, keys, policy, model settings and the budget.</summary>
    Admin,

    /// <summary>An admin who may also delete the workspace; a workspace always keeps at least one.</summary>
    Owner,
}
