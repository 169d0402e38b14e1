using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Grains.Events;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Silo.Isolation;

namespace Platform.Gateway.Tests;

/// <summary>Runs on every store: see the OnSqlite and OnPostgres subclasses.</summary>
public abstract class ApprovalsApiTests(ApiFixture api)
{
    private const string Owner = "owner@acme.test";
    private const string Args = """{"channel":"#sales","text":"Deal closed"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hundred_concurrent_approve_calls_make_one_decision_and_the_rest_get_409()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        var approval = await RequestAsync(workspaceId, "alice");
        using var owner = api.Client(ownerKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => owner.PostAsJsonAsync($"/api/approvals/{approval.ApprovalId}/approve", new { comment = $"click {i}" }, Ct)));

        Assert.Single(responses, static r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(99, responses.Count(static r => r.StatusCode == HttpStatusCode.Conflict));
        var conflict = await responses.First(static r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains($"already decided by {Owner} at ", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var shown = await owner.GetFromJsonAsync<JsonElement>($"/api/approvals/{approval.ApprovalId}", Ct);
        Assert.Equal("approved", shown.GetProperty("state").GetString());
        Assert.Equal(Owner, shown.GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task Pending_list_shows_requests_to_members_and_decided_ones_leave_it()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        var first = await RequestAsync(workspaceId, "alice");
        var second = await RequestAsync(workspaceId, "alice", """{"channel":"#sales","text":"Deal lost"}""");
        using var owner = api.Client(ownerKey);
        using var member = api.Client((await CreateKeyAsync(owner, "member", Owner, "member")).GetProperty("token").GetString());

        (await owner.PostAsJsonAsync($"/api/approvals/{first.ApprovalId}/deny", new { comment = "no" }, Ct)).EnsureSuccessStatusCode();
        var pending = await member.GetFromJsonAsync<JsonElement>("/api/approvals?state=pending", Ct);
        var all = await member.GetFromJsonAsync<JsonElement>("/api/approvals", Ct);

        Assert.Equal([second.ApprovalId], pending.EnumerateArray().Select(static a => a.GetProperty("approvalId").GetString()));
        Assert.Equal(2, all.GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"/api/approvals/{second.ApprovalId}/approve", new { comment = "me" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Four_eyes_violation_gets_403_and_another_approver_decides()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        (await owner.PatchAsJsonAsync("/api/workspace", new { fourEyes = new[] { "send" } }, Ct)).EnsureSuccessStatusCode();
        using var anonymous = api.Client();
        using var bob = api.Client(await Invitations.JoinAsync(owner, anonymous, "bob", ["member", "approver"], ["approver"], Ct));
        var approval = await RequestAsync(workspaceId, Owner, policyVersion: 2);

        var own = await owner.PostAsJsonAsync($"/api/approvals/{approval.ApprovalId}/approve", new { comment = "mine" }, Ct);
        var other = await bob.PostAsJsonAsync($"/api/approvals/{approval.ApprovalId}/approve", new { comment = "checked" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("Four eyes", await own.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("bob", (await other.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task An_approver_key_whose_member_lost_the_approver_role_gets_403()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var anonymous = api.Client();
        using var carol = api.Client(await Invitations.JoinAsync(owner, anonymous, "carol", ["member", "approver"], ["approver"], Ct));
        (await owner.PutAsJsonAsync("/api/members/carol", new { displayName = "Carol", roles = new[] { "member" } }, Ct)).EnsureSuccessStatusCode();
        var approval = await RequestAsync(workspaceId, "alice");

        var response = await carol.PostAsJsonAsync($"/api/approvals/{approval.ApprovalId}/approve", new { comment = "sneaky" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("pending", (await owner.GetFromJsonAsync<JsonElement>($"/api/approvals/{approval.ApprovalId}", Ct)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Expired_approval_shows_expired_and_a_late_decision_gets_409()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        (await owner.PatchAsJsonAsync("/api/workspace", new { approvalExpiry = "00:05:00" }, Ct)).EnsureSuccessStatusCode();
        var approval = await RequestAsync(workspaceId, "alice", policyVersion: 2);

        api.Gateway.Time.Advance(TimeSpan.FromMinutes(6));
        var shown = await owner.GetFromJsonAsync<JsonElement>($"/api/approvals/{approval.ApprovalId}", Ct);
        var late = await owner.PostAsJsonAsync($"/api/approvals/{approval.ApprovalId}/approve", new { comment = "too late" }, Ct);

        Assert.Equal("expired", shown.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("expired", await late.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_ids_and_another_workspaces_ids_get_404()
    {
        var (workspaceA, _) = await api.CreateWorkspaceAsync("A");
        var (_, ownerKeyB) = await api.CreateWorkspaceAsync("B");
        var approvalOfA = await RequestAsync(workspaceA, "alice");
        using var ownerB = api.Client(ownerKeyB);

        Assert.Equal(HttpStatusCode.NotFound, (await ownerB.GetAsync(new Uri($"/api/approvals/{approvalOfA.ApprovalId}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ownerB.PostAsJsonAsync($"/api/approvals/{approvalOfA.ApprovalId}/approve", new { comment = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ownerB.GetAsync(new Uri("/api/approvals/apr000000000000000000000000", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(ApprovalState.Pending, (await GrainsOf(workspaceA).GetGrain<IApprovalGrain>(workspaceA).GetAsync(approvalOfA.ApprovalId)).State);
    }

    [Fact]
    public async Task Bad_input_gets_400_and_changes_nothing()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        var approval = await RequestAsync(workspaceId, "alice");
        using var owner = api.Client(ownerKey);
        var url = $"/api/approvals/{approval.ApprovalId}/approve";

        var deciderInBody = await owner.PostAsJsonAsync(url, new { comment = "ok", decidedBy = "someone-else" }, Ct);
        var malformed = await owner.PostAsync(new Uri(url, UriKind.Relative), new StringContent("{\"comment\": ", Encoding.UTF8, "application/json"), Ct);
        var controlChars = await owner.PostAsJsonAsync(url, new { comment = "bad\u0000comment" }, Ct);
        var badState = await owner.GetAsync(new Uri("/api/approvals?state=maybe", UriKind.Relative), Ct);
        var badLimit = await owner.GetAsync(new Uri("/api/approvals?limit=0", UriKind.Relative), Ct);

        Assert.All([deciderInBody, malformed, controlChars, badState, badLimit], static r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(ApprovalState.Pending, (await GrainsOf(workspaceId).GetGrain<IApprovalGrain>(workspaceId).GetAsync(approval.ApprovalId)).State);
    }

    [Fact]
    public async Task Without_a_key_401_and_the_operator_key_403()
    {
        var (workspaceId, _) = await api.CreateWorkspaceAsync();
        var approval = await RequestAsync(workspaceId, "alice");
        using var anonymous = api.Client();
        using var op = api.Client(ApiFixture.OperatorKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/approvals/{approval.ApprovalId}/approve", new { comment = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync($"/api/approvals/{approval.ApprovalId}/approve", new { comment = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync(new Uri("/api/approvals", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public void The_gateway_publishes_events_on_the_MassTransit_bus()
    {
        Assert.IsType<MassTransitPlatformEvents>(api.Gateway.Services.GetRequiredService<IPlatformEvents>());
    }

    /// <summary>
    /// The gateway's grains, called as the gateway would for <paramref name="workspaceId"/>'s own key: the runtime
    /// refuses calls that act for no workspace. Not async, so the tenant stays set on the calling test's flow.
    /// </summary>
    private IGrainFactory GrainsOf(string workspaceId)
    {
        TenantContext.Set(workspaceId);
        return api.Gateway.Services.GetRequiredService<IGrainFactory>();
    }

    private Task<ApprovalView> RequestAsync(string workspaceId, string requester, string args = Args, int policyVersion = 1) =>
        GrainsOf(workspaceId).GetGrain<IApprovalGrain>(workspaceId).RequestAsync(new ApprovalRequest("run-1", "slack.post", ToolClass.Send, args, requester, "Announce the deal", ["#sales"], policyVersion));

    private static async Task<JsonElement> CreateKeyAsync(HttpClient owner, string name, string userId, string scope)
    {
        var response = await owner.PostAsJsonAsync("/api/keys", new { name, userId, scopes = new[] { scope } }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
