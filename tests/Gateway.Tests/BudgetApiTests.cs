using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;

using Platform.Grains.Interfaces.Budget;
using Platform.Silo.Isolation;

namespace Platform.Gateway.Tests;

/// <summary>Runs on every store: see the OnSqlite and OnPostgres subclasses.</summary>
public abstract class BudgetApiTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_workspace_has_a_zero_cap_until_an_admin_sets_one_and_the_change_is_audited()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);

        var fresh = await owner.GetFromJsonAsync<JsonElement>("/api/budget", Ct);
        var put = await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 25_000_000 }, Ct);
        var after = await owner.GetFromJsonAsync<JsonElement>("/api/budget", Ct);

        Assert.Equal(0, fresh.GetProperty("capMicros").GetInt64());
        Assert.Equal(api.Gateway.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), fresh.GetProperty("period").GetString());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(25_000_000, after.GetProperty("capMicros").GetInt64());
        Assert.Equal(25_000_000, after.GetProperty("remainingMicros").GetInt64());
        Assert.Equal(0, after.GetProperty("thresholdsCrossed").GetArrayLength());
        var audit = await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=budget", Ct);
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray());
        Assert.Equal("budget.cap_changed", entry.GetProperty("kind").GetString());
        Assert.Equal("user:owner@acme.test", entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task A_member_key_reads_the_budget_but_cannot_set_the_cap_or_read_the_ledger()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 1_000 }, Ct)).EnsureSuccessStatusCode();
        using var member = api.Client(await CreateMemberKeyAsync(owner));

        var read = await member.GetAsync(new Uri("/api/budget", UriKind.Relative), Ct);
        var put = await member.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 999_999_999 }, Ct);
        var ledger = await member.GetAsync(new Uri("/api/budget/ledger", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, ledger.StatusCode);
        Assert.Equal(1_000, (await owner.GetFromJsonAsync<JsonElement>("/api/budget", Ct)).GetProperty("capMicros").GetInt64());
    }

    [Theory]
    [InlineData("""{"monthlyCapMicros":-1}""")]
    [InlineData("""{"monthlyCapMicros":10000000000001}""")]
    [InlineData("""{}""")]
    [InlineData("""{"monthlyCapMicros":"lots"}""")]
    [InlineData("""{"monthlyCapMicros":5,"currency":"EUR"}""")]
    public async Task A_bad_cap_gets_400_problem_details_and_changes_nothing(string body)
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 7_000 }, Ct)).EnsureSuccessStatusCode();

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await owner.PutAsync(new Uri("/api/budget", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(7_000, (await owner.GetFromJsonAsync<JsonElement>("/api/budget", Ct)).GetProperty("capMicros").GetInt64());
    }

    [Fact]
    public async Task The_ledger_is_empty_for_a_new_workspace_and_bad_paging_gets_400()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);

        var ledger = await owner.GetFromJsonAsync<JsonElement>("/api/budget/ledger?after=0&limit=50", Ct);
        var negative = await owner.GetAsync(new Uri("/api/budget/ledger?after=-1", UriKind.Relative), Ct);
        var tooMany = await owner.GetAsync(new Uri("/api/budget/ledger?limit=1001", UriKind.Relative), Ct);

        Assert.Equal(0, ledger.GetProperty("entries").GetArrayLength());
        Assert.Equal(0, ledger.GetProperty("lastSequence").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task The_ledger_shows_the_workspaces_settled_spend_and_no_other_workspaces()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        var (otherId, otherKey) = await api.CreateWorkspaceAsync("Other");
        using var owner = api.Client(ownerKey);
        using var other = api.Client(otherKey);
        (await owner.PutAsJsonAsync("/api/budget", new { monthlyCapMicros = 10_000 }, Ct)).EnsureSuccessStatusCode();

        // No endpoint spends yet (runs and the proxy do, later); spend through the workspace's own grain, acting for
        // the workspace as the gateway would (the runtime refuses calls that act for none).
        TenantContext.Set(workspaceId);
        var grains = api.Gateway.Services.GetRequiredService<IGrainFactory>();
        var budget = grains.GetGrain<IBudgetGrain>(workspaceId);
        var reserved = await budget.ReserveAsync(new ReservationRequest(6_000, "run.model_call", "run-1"));
        await budget.SettleAsync(reserved.ReservationId!, 5_500);

        var ledger = await owner.GetFromJsonAsync<JsonElement>("/api/budget/ledger", Ct);
        var status = await owner.GetFromJsonAsync<JsonElement>("/api/budget", Ct);
        var otherLedger = await other.GetFromJsonAsync<JsonElement>("/api/budget/ledger", Ct);

        var entry = Assert.Single(ledger.GetProperty("entries").EnumerateArray());
        Assert.Equal(5_500, entry.GetProperty("amountMicros").GetInt64());
        Assert.Equal("run-1", entry.GetProperty("runId").GetString());
        Assert.Equal(5_500, status.GetProperty("spentMicros").GetInt64());
        Assert.Equal([50], status.GetProperty("thresholdsCrossed").EnumerateArray().Select(static t => t.GetInt32()));
        Assert.Equal(0, otherLedger.GetProperty("entries").GetArrayLength());
        Assert.NotEqual(workspaceId, otherId);
    }

    private static async Task<string> CreateMemberKeyAsync(HttpClient owner)
    {
        var response = await owner.PostAsJsonAsync("/api/keys", new { name = "member-only", userId = "owner@acme.test", scopes = new[] { "member" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("token").GetString()!;
    }
}
