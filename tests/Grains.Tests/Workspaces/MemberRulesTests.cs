using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Workspaces;

namespace Platform.Grains.Tests.Workspaces;

public sealed class MemberRulesTests
{
    private static readonly ImmutableSortedSet<WorkspaceRole> s_owner = [WorkspaceRole.Owner, WorkspaceRole.Admin];
    private static readonly ImmutableSortedSet<WorkspaceRole> s_admin = [WorkspaceRole.Admin, WorkspaceRole.Member];
    private static readonly ImmutableSortedSet<WorkspaceRole> s_member = [WorkspaceRole.Member];

    private static WorkspaceMember Member(string id, ImmutableSortedSet<WorkspaceRole> roles) => new(id, id, roles, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Admin_cannot_grant_itself_owner()
    {
        var failure = Assert.Throws<WorkspaceForbiddenException>(() => MemberRules.EnsureMayChange("adam", s_admin, "adam", Member("adam", s_admin), s_admin.Add(WorkspaceRole.Owner), 1));
        Assert.Contains("owner", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Admin_cannot_change_demote_or_remove_an_owner()
    {
        Assert.Throws<WorkspaceForbiddenException>(() => MemberRules.EnsureMayChange("adam", s_admin, "olive", Member("olive", s_owner), s_member, 2));
        Assert.Throws<WorkspaceForbiddenException>(() => MemberRules.EnsureMayChange("adam", s_admin, "olive", Member("olive", s_owner), s_owner, 2));
        Assert.Throws<WorkspaceForbiddenException>(() => MemberRules.EnsureMayChange("adam", s_admin, "olive", Member("olive", s_owner), null, 2));
    }

    [Fact]
    public void A_member_without_admin_manages_nobody()
    {
        Assert.Throws<WorkspaceForbiddenException>(() => MemberRules.EnsureMayChange("mo", s_member, "bob", null, s_member, 1));
    }

    [Fact]
    public void Nobody_changes_their_own_roles_or_removes_themselves_but_may_rename_themselves()
    {
        Assert.Throws<WorkspaceForbiddenException>(() => MemberRules.EnsureMayChange("olive", s_owner, "olive", Member("olive", s_owner), [WorkspaceRole.Admin], 2));
        Assert.Throws<WorkspaceForbiddenException>(() => MemberRules.EnsureMayChange("olive", s_owner, "olive", Member("olive", s_owner), null, 2));
        Assert.Throws<WorkspaceForbiddenException>(() => MemberRules.EnsureMayChange("adam", s_admin, "adam", Member("adam", s_admin), s_member, 1));
        MemberRules.EnsureMayChange("olive", s_owner, "olive", Member("olive", s_owner), s_owner, 1);
    }

    [Fact]
    public void The_last_owner_keeps_the_role_and_another_owner_may_demote_an_owner()
    {
        Assert.Throws<WorkspaceConflictException>(() => MemberRules.EnsureMayChange("olive", s_owner, "olive", Member("olive", s_owner), [WorkspaceRole.Admin], 1));
        Assert.Throws<WorkspaceConflictException>(() => MemberRules.EnsureMayChange("olive", s_owner, "olive", Member("olive", s_owner), null, 1));
        MemberRules.EnsureMayChange("bob", s_owner, "olive", Member("olive", s_owner), s_admin, 2);
        MemberRules.EnsureMayChange("bob", s_owner, "olive", Member("olive", s_owner), null, 2);
    }

    [Fact]
    public void An_admin_adds_and_changes_members_and_admins_and_an_owner_grants_owner()
    {
        MemberRules.EnsureMayChange("adam", s_admin, "bob", null, s_admin, 1);
        MemberRules.EnsureMayChange("adam", s_admin, "bob", Member("bob", s_member), s_admin, 1);
        MemberRules.EnsureMayChange("olive", s_owner, "bob", Member("bob", s_member), s_owner, 1);
    }
}
