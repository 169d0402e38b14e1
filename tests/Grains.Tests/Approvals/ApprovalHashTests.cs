using System.Collections.Immutable;
using Platform.Grains.Approvals;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Tests.Approvals;

public sealed class ApprovalHashTests
{
    private const string Args = """{"body":"hi","to":"a@b.test"}""";

    [Fact]
    public void Hash_is_lower_case_hex_sha256_and_stable()
    {
        var hash = ApprovalHash.Compute("ws1", "run1", "email.send", Args, 1);

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, ApprovalHash.Compute("ws1", "run1", "email.send", Args, 1));
    }

    [Fact]
    public void Field_boundaries_cannot_be_shifted_to_forge_a_match()
    {
        Assert.NotEqual(ApprovalHash.Compute("ws1", "run1", "email.send", Args, 1), ApprovalHash.Compute("ws1r", "un1", "email.send", Args, 1));
        Assert.NotEqual(ApprovalHash.Compute("ws1", "run1", "a", "b", 1), ApprovalHash.Compute("ws1", "run1", "ab", "", 1));
    }

    [Fact]
    public void Only_an_approved_view_of_exactly_this_payload_matches()
    {
        var approved = View(ApprovalState.Approved);

        Assert.True(ApprovalHash.Matches(approved, "ws1", "run1", "email.send", Args, 3));
        Assert.False(ApprovalHash.Matches(approved, "ws1", "run1", "email.send", """{"body":"hi","to":"evil@x.test"}""", 3));
        Assert.False(ApprovalHash.Matches(approved, "ws1", "run1", "email.send", Args, 4));
        Assert.False(ApprovalHash.Matches(approved, "ws1", "run2", "email.send", Args, 3));
        Assert.False(ApprovalHash.Matches(approved, "ws1", "run1", "slack.post", Args, 3));
        Assert.False(ApprovalHash.Matches(approved, "ws2", "run1", "email.send", Args, 3));
        Assert.False(ApprovalHash.Matches(View(ApprovalState.Pending), "ws1", "run1", "email.send", Args, 3));
        Assert.False(ApprovalHash.Matches(View(ApprovalState.Denied), "ws1", "run1", "email.send", Args, 3));
        Assert.False(ApprovalHash.Matches(View(ApprovalState.Expired), "ws1", "run1", "email.send", Args, 3));
    }

    private static ApprovalView View(ApprovalState state) => new(
        "apr000000000000000000000000",
        "run1",
        "email.send",
        ToolClass.Send,
        Args,
        "alice",
        "send it",
        ImmutableArray<string>.Empty,
        ApprovalHash.Compute("ws1", "run1", "email.send", Args, 3),
        3,
        state,
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch.AddDays(1),
        null,
        null,
        null);
}
