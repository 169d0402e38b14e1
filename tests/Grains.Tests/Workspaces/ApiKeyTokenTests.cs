using Platform.Grains.Workspaces;

namespace Platform.Grains.Tests.Workspaces;

public sealed class ApiKeyTokenTests
{
    [Fact]
    public void Every_created_token_parses_back_to_its_parts_even_when_the_secret_holds_underscores()
    {
        for (var i = 0; i < 2_000; i++)
        {
            var workspaceId = WorkspaceIds.NewWorkspaceId();
            var keyId = WorkspaceIds.NewKeyId();
            var (token, secret) = ApiKeyToken.Create(workspaceId, keyId);

            Assert.True(ApiKeyToken.TryParse(token, out var parsedWorkspace, out var parsedKey, out var parsedSecret), token);
            Assert.Equal((workspaceId, keyId, secret), (parsedWorkspace, parsedKey, parsedSecret));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer plat_x")]
    [InlineData("plat_ws0123456789abcdef0123_0123456789ab")]
    [InlineData("plat_WS0123456789abcdef0123_0123456789ab_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("plat_ws0123456789abcdef0123_0123456789ab_short")]
    [InlineData("op_0123456789abcdef")]
    public void Malformed_tokens_do_not_parse(string? token) =>
        Assert.False(ApiKeyToken.TryParse(token, out _, out _, out _));
}
