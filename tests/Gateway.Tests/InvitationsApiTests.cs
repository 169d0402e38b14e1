using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Gateway.Tests;

/// <summary>Invitations and their one-time codes. Runs on every store: see the OnSqlite and OnPostgres subclasses.</summary>
public abstract partial class InvitationsApiTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_invitation_grants_nothing_until_redeemed_and_its_code_works_once()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var anonymous = api.Client();

        var invited = await owner.PostAsJsonAsync("/api/invitations", new { userId = "alice@acme.test", displayName = "Alice", roles = new[] { "approver", "member" }, scopes = new[] { "approver", "member" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        Assert.Equal("no-store", invited.Headers.CacheControl?.ToString());
        var created = await invited.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var code = created.GetProperty("code").GetString()!;
        var invitationId = created.GetProperty("invitation").GetProperty("invitationId").GetString()!;
        Assert.StartsWith($"inv_{workspaceId}_{invitationId}_", code, StringComparison.Ordinal);
        Assert.Equal(api.Gateway.Time.GetUtcNow().AddHours(72), created.GetProperty("invitation").GetProperty("expiresAt").GetDateTimeOffset());

        // Pending: listed without its code, and nobody is a member yet.
        // The secret follows the invitation id; base64url may itself contain '_', so not the last '_'.
        var secret = code[$"inv_{workspaceId}_{invitationId}_".Length..];
        var listing = await owner.GetStringAsync(new Uri("/api/invitations", UriKind.Relative), Ct);
        Assert.Contains(invitationId, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await owner.GetStringAsync(new Uri("/api/audit", UriKind.Relative), Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("alice@acme.test", await owner.GetStringAsync(new Uri("/api/members", UriKind.Relative), Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(new Uri($"/api/invitations/{invitationId}", UriKind.Relative), Ct)).StatusCode);

        var redeemed = await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code, keyName = "alice laptop" }, Ct);
        var again = await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code, keyName = "alice laptop" }, Ct);

        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        Assert.Equal("no-store", redeemed.Headers.CacheControl?.ToString());
        var answer = await redeemed.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(workspaceId, answer.GetProperty("workspaceId").GetString());
        Assert.Equal(["member", "approver"], answer.GetProperty("member").GetProperty("roles").EnumerateArray().Select(static r => r.GetString()));
        var key = answer.GetProperty("key").GetProperty("key");
        Assert.Equal(("alice laptop", "alice@acme.test"), (key.GetProperty("name").GetString(), key.GetProperty("userId").GetString()));
        using var alice = api.Client(answer.GetProperty("key").GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(new Uri("/api/approvals?state=pending", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(0, (await owner.GetFromJsonAsync<JsonElement>("/api/invitations", Ct)).GetArrayLength());
        var audit = (await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=invitation", Ct)).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["invitation.created", "invitation.redeemed"], audit.Select(static e => e.GetProperty("kind").GetString()));
        Assert.Equal(["user:owner@acme.test", "user:alice@acme.test"], audit.Select(static e => e.GetProperty("actor").GetString()));
        var added = (await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=member.added", Ct)).GetProperty("entries").EnumerateArray().Single();
        Assert.Equal("user:owner@acme.test", added.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Wrong_used_withdrawn_expired_forged_and_malformed_codes_all_get_one_404_that_reveals_nothing()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        var (otherWorkspaceId, _) = await api.CreateWorkspaceAsync("Other");
        using var owner = api.Client(ownerKey);
        using var anonymous = api.Client();
        var used = await Invitations.InviteAsync(owner, "u@acme.test", ["member"], ["member"], Ct);
        await Invitations.RedeemAsync(anonymous, used, Ct);
        var withdrawn = await Invitations.InviteAsync(owner, "w@acme.test", ["member"], ["member"], Ct);
        var withdrawnId = withdrawn.Split('_')[2];
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(new Uri($"/api/invitations/{withdrawnId}", UriKind.Relative), Ct)).StatusCode);
        var live = await Invitations.InviteAsync(owner, "l@acme.test", ["member"], ["member"], Ct);
        var expiring = await Invitations.InviteAsync(owner, "e@acme.test", ["member"], ["member"], Ct);
        var wrongSecret = live[..^4] + (live.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var forgedWorkspace = live.Replace(workspaceId, otherWorkspaceId, StringComparison.Ordinal);
        var unknownWorkspace = live.Replace(workspaceId, "ws" + new string('0', 20), StringComparison.Ordinal);

        var answers = new List<(string Case, HttpResponseMessage Response)>();
        foreach (var (name, code) in new[] { ("used", used), ("withdrawn", withdrawn), ("wrong secret", wrongSecret), ("forged workspace", forgedWorkspace), ("unknown workspace", unknownWorkspace), ("malformed", "inv_nonsense"), ("a key", ownerKey) })
        {
            answers.Add((name, await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code, keyName = "k" }, Ct)));
        }

        // The live code, tried with a wrong secret, still works for its invitee; the attempt is on record.
        var liveRedeemed = await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code = live, keyName = "k" }, Ct);
        api.Gateway.Time.Advance(TimeSpan.FromHours(72));
        answers.Add(("expired", await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code = expiring, keyName = "k" }, Ct)));

        var bodies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, response) in answers)
        {
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{name}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            bodies.Add(TraceId().Replace(await response.Content.ReadAsStringAsync(Ct), ""));
        }

        Assert.Single(bodies);
        Assert.DoesNotContain(workspaceId, bodies.Single(), StringComparison.Ordinal);
        var members = await owner.GetStringAsync(new Uri("/api/members", UriKind.Relative), Ct);
        Assert.DoesNotContain("w@acme.test", members, StringComparison.Ordinal);
        Assert.DoesNotContain("e@acme.test", members, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, liveRedeemed.StatusCode);
        var refused = (await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=invitation.redeem_refused", Ct)).GetProperty("entries");
        Assert.Contains(refused.EnumerateArray(), e => e.GetProperty("details").GetProperty("reason").GetString() == "wrong secret");
    }

    [Fact]
    public async Task An_admin_cannot_invite_an_owner_and_bad_invitations_say_what_is_wrong()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var anonymous = api.Client();
        using var admin = api.Client(await Invitations.JoinAsync(owner, anonymous, "adam@acme.test", ["admin", "member"], ["admin"], Ct));

        var ownerByAdmin = await admin.PostAsJsonAsync("/api/invitations", new { userId = "eve@acme.test", displayName = "Eve", roles = new[] { "owner" }, scopes = new[] { "admin" } }, Ct);
        var existingMember = await admin.PostAsJsonAsync("/api/invitations", new { userId = "owner@acme.test", displayName = "Olive", roles = new[] { "member" }, scopes = new[] { "member" } }, Ct);
        var scopeBeyondRoles = await admin.PostAsJsonAsync("/api/invitations", new { userId = "eve@acme.test", displayName = "Eve", roles = new[] { "member" }, scopes = new[] { "approver" } }, Ct);
        var noRoles = await admin.PostAsJsonAsync("/api/invitations", new { userId = "eve@acme.test", displayName = "Eve", roles = Array.Empty<string>(), scopes = new[] { "member" } }, Ct);
        var adminInvitesAdmin = await admin.PostAsJsonAsync("/api/invitations", new { userId = "eve@acme.test", displayName = "Eve", roles = new[] { "admin" }, scopes = new[] { "admin" } }, Ct);
        var twice = await admin.PostAsJsonAsync("/api/invitations", new { userId = "eve@acme.test", displayName = "Eve", roles = new[] { "member" }, scopes = new[] { "member" } }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, ownerByAdmin.StatusCode);
        Assert.Contains("Only an owner may grant the owner role", await ownerByAdmin.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, existingMember.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, scopeBeyondRoles.StatusCode);
        Assert.Contains("do not allow scope(s) Approver", await scopeBeyondRoles.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noRoles.StatusCode);
        Assert.Equal(HttpStatusCode.Created, adminInvitesAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("withdraw it first", await twice.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Single((await owner.GetFromJsonAsync<JsonElement>("/api/invitations", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task Invitations_need_an_admin_key_and_an_admin_cannot_withdraw_an_owners_invitation()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var anonymous = api.Client();
        using var member = api.Client(await Invitations.JoinAsync(owner, anonymous, "mo@acme.test", ["member"], ["member"], Ct));
        using var admin = api.Client(await Invitations.JoinAsync(owner, anonymous, "adam@acme.test", ["admin", "member"], ["admin"], Ct));
        var ownerInvitation = (await Invitations.InviteAsync(owner, "co-owner@acme.test", ["owner", "admin"], ["admin"], Ct)).Split('_')[2];

        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/invitations", new { userId = "x@acme.test", displayName = "X", roles = new[] { "member" }, scopes = new[] { "member" } }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(new Uri("/api/invitations", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/invitations", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.DeleteAsync(new Uri($"/api/invitations/{ownerInvitation}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri("/api/invitations/inv0000000000000000", UriKind.Relative), Ct)).StatusCode);
        Assert.Single((await owner.GetFromJsonAsync<JsonElement>("/api/invitations", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task An_invitation_from_an_admin_removed_since_no_longer_lets_anyone_in()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var anonymous = api.Client();
        using var admin = api.Client(await Invitations.JoinAsync(owner, anonymous, "adam@acme.test", ["admin", "member"], ["admin"], Ct));
        var code = await Invitations.InviteAsync(admin, "friend@acme.test", ["admin", "member"], ["admin"], Ct);
        (await owner.DeleteAsync(new Uri("/api/members/adam@acme.test", UriKind.Relative), Ct)).EnsureSuccessStatusCode();

        var response = await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code, keyName = "k" }, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("friend@acme.test", await owner.GetStringAsync(new Uri("/api/members", UriKind.Relative), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_key_name_is_refused_before_the_code_is_looked_at()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var anonymous = api.Client();
        var code = await Invitations.InviteAsync(owner, "k@acme.test", ["member"], ["member"], Ct);

        var response = await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code, keyName = "" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("keyName is required", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code, keyName = "k" }, Ct)).StatusCode);
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();
}
