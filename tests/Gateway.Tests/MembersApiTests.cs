using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Gateway.Tests;

/// <summary>
/// Who may change whose roles, and keys that act only as their holder. Runs on every store: see the OnSqlite and
/// OnPostgres subclasses.
/// </summary>
public abstract class MembersApiTests(ApiFixture api)
{
    private const string Owner = "owner@acme.test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_cannot_make_itself_owner_demote_the_owner_or_delete_the_workspace()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var admin = await JoinAsync(owner, "adam@acme.test", ["admin", "member"], ["admin", "member"]);

        var promote = await admin.PutAsJsonAsync("/api/members/adam@acme.test", new { displayName = "Adam", roles = new[] { "admin", "owner" } }, Ct);
        var demote = await admin.PutAsJsonAsync($"/api/members/{Owner}", new { displayName = "Olive", roles = new[] { "member" } }, Ct);
        var remove = await admin.DeleteAsync(new Uri($"/api/members/{Owner}", UriKind.Relative), Ct);
        var delete = await admin.DeleteAsync(new Uri("/api/workspace", UriKind.Relative), Ct);

        foreach (var response in new[] { promote, demote, remove, delete })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Contains("Only an owner may grant the owner role", await promote.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("only an owner may change or remove an owner", await demote.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("Only an owner may delete", await delete.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var members = await MembersAsync(owner);
        Assert.Equal(["admin", "approver", "member", "owner"], members[Owner]);
        Assert.Equal(["admin", "member"], members["adam@acme.test"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task Only_an_owner_grants_the_owner_role_and_only_an_owner_changes_an_owner()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var admin = await JoinAsync(owner, "adam@acme.test", ["admin", "member"], ["admin"]);

        var adminGrantsOwner = await admin.PutAsJsonAsync("/api/members/bob@acme.test", new { displayName = "Bob", roles = new[] { "owner" } }, Ct);
        var adminAddsMember = await admin.PutAsJsonAsync("/api/members/bob@acme.test", new { displayName = "Bob", roles = new[] { "member" } }, Ct);
        var ownerGrantsOwner = await owner.PutAsJsonAsync("/api/members/bob@acme.test", new { displayName = "Bob", roles = new[] { "owner", "member" } }, Ct);
        var adminRenamesOwner = await admin.PutAsJsonAsync("/api/members/bob@acme.test", new { displayName = "Bobby", roles = new[] { "owner", "member" } }, Ct);
        var adminRemovesOwner = await admin.DeleteAsync(new Uri("/api/members/bob@acme.test", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, adminGrantsOwner.StatusCode);
        Assert.Contains("Only an owner may grant the owner role", await adminGrantsOwner.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, adminAddsMember.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownerGrantsOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, adminRenamesOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, adminRemovesOwner.StatusCode);
        Assert.Equal(["member", "owner"], (await MembersAsync(owner))["bob@acme.test"]);
    }

    [Fact]
    public async Task Nobody_changes_their_own_roles_not_even_an_owner_beside_another_owner()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        (await owner.PutAsJsonAsync("/api/members/bob@acme.test", new { displayName = "Bob", roles = new[] { "owner", "admin" } }, Ct)).EnsureSuccessStatusCode();

        var stepDown = await owner.PutAsJsonAsync($"/api/members/{Owner}", new { displayName = "Olive", roles = new[] { "admin", "member" } }, Ct);
        var leave = await owner.DeleteAsync(new Uri($"/api/members/{Owner}", UriKind.Relative), Ct);
        var rename = await owner.PutAsJsonAsync($"/api/members/{Owner}", new { displayName = "Olive O.", roles = new[] { "owner", "admin", "approver", "member" } }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, stepDown.StatusCode);
        Assert.Contains("Nobody changes their own roles", await stepDown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, leave.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        Assert.Equal(["admin", "approver", "member", "owner"], (await MembersAsync(owner))[Owner]);
    }

    [Fact]
    public async Task Another_owner_may_demote_an_owner_but_the_last_owner_keeps_the_role()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var bob = await JoinAsync(owner, "bob@acme.test", ["owner", "admin"], ["admin"]);

        var demoted = await bob.PutAsJsonAsync($"/api/members/{Owner}", new { displayName = "Olive", roles = new[] { "admin" } }, Ct);
        var lastOwnerSteps = await bob.PutAsJsonAsync("/api/members/bob@acme.test", new { displayName = "Bob", roles = new[] { "admin" } }, Ct);
        var lastOwnerLeaves = await bob.DeleteAsync(new Uri("/api/members/bob@acme.test", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lastOwnerSteps.StatusCode);
        Assert.Contains("last owner", await lastOwnerSteps.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, lastOwnerLeaves.StatusCode);
        Assert.Equal(["admin", "owner"], (await MembersAsync(bob))["bob@acme.test"]);
    }

    [Fact]
    public async Task Every_role_change_is_audited_with_who_made_it_and_the_roles_before_and_after()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        var ownerKeyId = (await owner.GetFromJsonAsync<JsonElement>("/api/keys", Ct))[0].GetProperty("keyId").GetString();
        (await owner.PutAsJsonAsync("/api/members/bob@acme.test", new { displayName = "Bob", roles = new[] { "member" } }, Ct)).EnsureSuccessStatusCode();
        (await owner.PutAsJsonAsync("/api/members/bob@acme.test", new { displayName = "Bob", roles = new[] { "member", "approver" } }, Ct)).EnsureSuccessStatusCode();
        (await owner.DeleteAsync(new Uri("/api/members/bob@acme.test", UriKind.Relative), Ct)).EnsureSuccessStatusCode();

        var entries = (await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=member.", Ct)).GetProperty("entries").EnumerateArray().ToList();

        Assert.Equal(["member.added", "member.changed", "member.removed"], entries.Select(static e => e.GetProperty("kind").GetString()));
        Assert.All(entries, e => Assert.Equal($"user:{Owner}", e.GetProperty("actor").GetString()));
        Assert.All(entries, e => Assert.Equal(ownerKeyId, e.GetProperty("details").GetProperty("actor_key_id").GetString()));
        Assert.Equal(
            [("", "Member"), ("Member", "Member,Approver"), ("Member,Approver", "")],
            entries.Select(static e => (e.GetProperty("details").GetProperty("roles_before").GetString(), e.GetProperty("details").GetProperty("roles").GetString())));
    }

    [Fact]
    public async Task A_key_for_anyone_but_the_caller_is_refused_and_points_at_invitations()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        (await owner.PutAsJsonAsync("/api/members/alice@acme.test", new { displayName = "Alice", roles = new[] { "approver", "member" } }, Ct)).EnsureSuccessStatusCode();

        var forAlice = await owner.PostAsJsonAsync("/api/keys", new { name = "alice", userId = "alice@acme.test", scopes = new[] { "approver" } }, Ct);
        var forSelf = await owner.PostAsJsonAsync("/api/keys", new { name = "ci", scopes = new[] { "member" } }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forAlice.StatusCode);
        Assert.Equal("application/problem+json", forAlice.Content.Headers.ContentType?.MediaType);
        var detail = (await forAlice.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString();
        Assert.Contains("Keys are for the caller only", detail, StringComparison.Ordinal);
        Assert.Contains("POST /api/invitations", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, forSelf.StatusCode);
        Assert.Equal(Owner, (await forSelf.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetProperty("userId").GetString());
        var keys = await owner.GetFromJsonAsync<JsonElement>("/api/keys", Ct);
        Assert.All(keys.EnumerateArray(), k => Assert.Equal(Owner, k.GetProperty("userId").GetString()));
    }

    [Fact]
    public async Task An_admin_cannot_revoke_an_owners_key()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var admin = await JoinAsync(owner, "adam@acme.test", ["admin", "member"], ["admin"]);
        var ownerKeyId = (await owner.GetFromJsonAsync<JsonElement>("/api/keys", Ct)).EnumerateArray().First(k => k.GetProperty("userId").GetString() == Owner).GetProperty("keyId").GetString();

        var response = await admin.DeleteAsync(new Uri($"/api/keys/{ownerKeyId}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task Under_four_eyes_an_invited_approver_decides_the_owners_run_and_the_owner_cannot_with_any_key()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 5_000_000 }, Ct)).EnsureSuccessStatusCode();
        (await owner.PatchAsJsonAsync("/api/workspace", new { fourEyes = new[] { "send" } }, Ct)).EnsureSuccessStatusCode();
        using var alice = await JoinAsync(owner, "alice@acme.test", ["approver", "member"], ["approver"]);
        var aliceKeyId = (await owner.GetFromJsonAsync<JsonElement>("/api/keys", Ct)).EnumerateArray().Single(k => k.GetProperty("userId").GetString() == "alice@acme.test").GetProperty("keyId").GetString();

        // The walk-around: a key minted as the approver. Refused, so the owner's only way to approve is as themselves.
        var minted = await owner.PostAsJsonAsync("/api/keys", new { name = "as-alice", userId = "alice@acme.test", scopes = new[] { "approver" } }, Ct);
        var ownKey = await ProcessFlow.ReadAsync(await owner.PostAsJsonAsync("/api/keys", new { name = "second", scopes = new[] { "approver" } }, Ct));
        using var ownerSecondKey = api.Client(ownKey.GetProperty("token").GetString());
        var runId = await ProcessFlow.StartRunAsync(owner, "email bob@example.test that the report is ready");
        var approvalId = (await ProcessFlow.PollRunAsync(owner, runId, "waitingForApproval")).GetProperty("pendingApprovalId").GetString();

        var byOwner = await owner.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "mine" }, Ct);
        var bySecondKey = await ownerSecondKey.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "still mine" }, Ct);
        var byAlice = await alice.PostAsJsonAsync($"/api/approvals/{approvalId}/approve", new { comment = "checked" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, minted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byOwner.StatusCode);
        Assert.Contains("Four eyes", await byOwner.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, bySecondKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAlice.StatusCode);
        var decided = await byAlice.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("alice@acme.test", aliceKeyId), (decided.GetProperty("decidedBy").GetString(), decided.GetProperty("decidedByKeyId").GetString()));
        var audit = (await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=approval.decided", Ct)).GetProperty("entries").EnumerateArray().Single();
        Assert.Equal(aliceKeyId, audit.GetProperty("details").GetProperty("decided_by_key").GetString());

        // Approved by the approver, the run goes on to its end.
        await ProcessFlow.PollRunAsync(owner, runId, "completed");
    }

    [Fact]
    public async Task A_demotion_a_removal_or_a_revocation_holds_on_the_very_next_request_of_a_key_just_used()
    {
        // Each key is used first, so the gateway has just checked (and may remember) it when the change is made.
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var admin = await JoinAsync(owner, "adam@acme.test", ["admin", "member"], ["admin", "member"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct)).StatusCode);

        (await owner.PutAsJsonAsync("/api/members/adam@acme.test", new { displayName = "Adam", roles = new[] { "member" } }, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);

        (await owner.DeleteAsync(new Uri("/api/members/adam@acme.test", UriKind.Relative), Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);

        var created = await (await owner.PostAsJsonAsync("/api/keys", new { name = "ci", userId = Owner, scopes = new[] { "member" } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var ci = api.Client(created.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ci.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        (await owner.DeleteAsync(new Uri($"/api/keys/{created.GetProperty("key").GetProperty("keyId").GetString()}", UriKind.Relative), Ct)).EnsureSuccessStatusCode();
        var revoked = await ci.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("revoked", await revoked.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remembered_key_check_never_lets_a_changed_secret_through()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);

        using var forged = api.Client(ownerKey[..^1] + (ownerKey.EndsWith('A') ? 'B' : 'A'));

        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
    }

    private async Task<HttpClient> JoinAsync(HttpClient inviter, string userId, string[] roles, string[] scopes)
    {
        using var anonymous = api.Client();
        return api.Client(await Invitations.JoinAsync(inviter, anonymous, userId, roles, scopes, Ct));
    }

    private static async Task<Dictionary<string, string[]>> MembersAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/members", Ct)).EnumerateArray().ToDictionary(
            static m => m.GetProperty("userId").GetString()!,
            static m => m.GetProperty("roles").EnumerateArray().Select(static r => r.GetString()!).Order(StringComparer.Ordinal).ToArray());
}
