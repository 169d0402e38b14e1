using Platform.Grains.Workspaces;

namespace Platform.Grains.Tests.Workspaces;

public sealed class InvitationCodeTests
{
    [Fact]
    public void Every_created_code_parses_back_to_its_workspace_invitation_and_secret()
    {
        for (var i = 0; i < 2_000; i++)
        {
            var workspaceId = WorkspaceIds.NewWorkspaceId();
            var invitationId = InvitationCode.NewId();
            var (code, secret) = InvitationCode.Create(workspaceId, invitationId);

            Assert.True(InvitationCode.TryParse(code, out var parsedWorkspace, out var parsedInvitation, out var parsedSecret), code);
            Assert.Equal((workspaceId, invitationId, secret), (parsedWorkspace, parsedInvitation, parsedSecret));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("inv_")]
    [InlineData("plat_ws0123456789abcdef0123_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("inv_wsXYZ3456789abcdef0123_inv0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("inv_ws0123456789abcdef0123_key0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("inv_ws0123456789abcdef0123_inv0123456789abcdef_short")]
    public void Anything_not_shaped_like_a_code_does_not_parse(string? code) =>
        Assert.False(InvitationCode.TryParse(code, out _, out _, out _));
}
