using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Gateway.Tests;

/// <summary>Runs on every store: see the OnSqlite and OnPostgres subclasses.</summary>
public abstract class WorkspaceApiTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_creates_a_workspace_whose_owner_key_reads_it()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync("Acme Corp");
        using var owner = api.Client(ownerKey);

        var workspace = await owner.GetFromJsonAsync<JsonElement>("/api/workspace", Ct);

        Assert.Equal(workspaceId, workspace.GetProperty("workspaceId").GetString());
        Assert.Equal("Acme Corp", workspace.GetProperty("name").GetString());
        Assert.Equal("owner@acme.test", workspace.GetProperty("members")[0].GetProperty("userId").GetString());
        Assert.StartsWith($"plat_{workspaceId}_", ownerKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_without_a_key_gets_401_problem_details_with_a_bearer_challenge()
    {
        using var anonymous = api.Client();

        var response = await anonymous.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Forged_key_of_an_existing_workspace_gets_401()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        var forged = ownerKey[..^4] + (ownerKey.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using var client = api.Client(forged);

        var response = await client.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(workspaceId, ownerKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_key_gets_401_saying_so_and_the_revocation_is_audited()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        var created = await CreateKeyAsync(owner, "ci", "owner@acme.test", "member");
        var keyId = created.GetProperty("key").GetProperty("keyId").GetString();

        (await owner.DeleteAsync(new Uri($"/api/keys/{keyId}", UriKind.Relative), Ct)).EnsureSuccessStatusCode();
        using var revoked = api.Client(created.GetProperty("token").GetString());
        var response = await revoked.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var audit = await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=key.", Ct);
        Assert.Equal(["key.created", "key.revoked"], audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray());
    }

    [Fact]
    public async Task Expired_key_gets_401()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        var created = await CreateKeyAsync(owner, "short-lived", "owner@acme.test", "member", api.Gateway.Time.GetUtcNow().AddHours(1));
        using var shortLived = api.Client(created.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await shortLived.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);

        api.Gateway.Time.Advance(TimeSpan.FromHours(2));
        var response = await shortLived.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_scope_key_calling_an_admin_route_gets_403_and_changes_nothing()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        var created = await CreateKeyAsync(owner, "member-only", "owner@acme.test", "member");
        using var member = api.Client(created.GetProperty("token").GetString());

        var response = await member.PatchAsJsonAsync("/api/workspace", new { name = "Hijacked" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Acme", (await owner.GetFromJsonAsync<JsonElement>("/api/workspace", Ct)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Operator_key_cannot_read_workspace_content()
    {
        await api.CreateWorkspaceAsync();
        using var op = api.Client(ApiFixture.OperatorKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task Unknown_field_malformed_json_and_bad_values_get_400_and_change_nothing()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);

        var unknown = await owner.PatchAsJsonAsync("/api/workspace", new { name = "X", approvalsRequired = new[] { "send" } }, Ct);
        var malformed = await owner.PatchAsync(new Uri("/api/workspace", UriKind.Relative), new StringContent("{\"name\": ", Encoding.UTF8, "application/json"), Ct);
        var readTool = await owner.PatchAsJsonAsync("/api/workspace", new { approvalRequired = new[] { "read" } }, Ct);
        var badScope = await owner.PostAsJsonAsync("/api/keys", new { name = "k", userId = "owner@acme.test", scopes = new[] { "root" } }, Ct);

        foreach (var response in new[] { unknown, malformed, readTool, badScope })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Contains("read-only tools never wait", await readTool.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var workspace = await owner.GetFromJsonAsync<JsonElement>("/api/workspace", Ct);
        Assert.Equal("Acme", workspace.GetProperty("name").GetString());
        Assert.Equal(1, workspace.GetProperty("policy").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Oversize_body_gets_400()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        var huge = new StringContent($"{{\"name\": \"{new string('x', 2 * 1024 * 1024)}\"}}", Encoding.UTF8, "application/json");

        var response = await owner.PatchAsync(new Uri("/api/workspace", UriKind.Relative), huge, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too large", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_workspaces_key_and_member_ids_get_404_and_change_nothing()
    {
        var (_, keyA) = await api.CreateWorkspaceAsync("A");
        var (_, keyB) = await api.CreateWorkspaceAsync("B");
        using var a = api.Client(keyA);
        using var b = api.Client(keyB);
        var bKeys = await b.GetFromJsonAsync<JsonElement>("/api/keys", Ct);
        var bKeyId = bKeys[0].GetProperty("keyId").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await a.DeleteAsync(new Uri($"/api/keys/{bKeyId}", UriKind.Relative), Ct)).StatusCode);
        await b.PutAsJsonAsync("/api/members/bob@b.test", new { displayName = "Bob", roles = new[] { "member" } }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, (await a.DeleteAsync(new Uri("/api/members/bob@b.test", UriKind.Relative), Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(2, (await b.GetFromJsonAsync<JsonElement>("/api/members", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task Removing_the_last_owner_gets_409()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);

        var response = await owner.DeleteAsync(new Uri("/api/members/owner@acme.test", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Key_listing_never_shows_a_secret_and_the_audit_chain_verifies()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        var created = await CreateKeyAsync(owner, "partner", "owner@acme.test", "partner");
        var token = created.GetProperty("token").GetString()!;

        var listing = await owner.GetStringAsync(new Uri("/api/keys", UriKind.Relative), Ct);
        var audit = await owner.GetStringAsync(new Uri("/api/audit", UriKind.Relative), Ct);
        var verification = await owner.GetFromJsonAsync<JsonElement>("/api/audit/verify", Ct);

        // The secret is everything after the key id: base64url may itself contain '_', so not the last '_'.
        var keyId = created.GetProperty("key").GetProperty("keyId").GetString()!;
        var secret = token[$"plat_{workspaceId}_{keyId}_".Length..];
        Assert.Equal(43, secret.Length);
        Assert.DoesNotContain(secret, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
        Assert.True(verification.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Deleting_a_workspace_revokes_its_keys_and_destroys_its_data_key_and_only_an_owner_may()
    {
        var (workspaceId, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        using var anonymous = api.Client();
        using var admin = api.Client(await Invitations.JoinAsync(owner, anonymous, "adam@acme.test", ["admin", "member"], ["admin"], Ct));

        Assert.Equal(HttpStatusCode.Forbidden, (await admin.DeleteAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await owner.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync(new Uri("/api/workspace", UriKind.Relative), Ct)).StatusCode);
        // Asked as the workspace itself (the gateway's tenant context), so a refusal cannot stand in for a destroyed key.
        Platform.Silo.Isolation.TenantContext.Set(workspaceId);
        var keys = api.Gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<Platform.Grains.Interfaces.Security.IWorkspaceKeyGrain>(workspaceId);
        await Assert.ThrowsAsync<Platform.Grains.Interfaces.Security.WorkspaceKeyDestroyedException>(() =>
            keys.EncryptAsync(new Platform.Grains.Interfaces.Security.EncryptRequest("run.input", [1, 2, 3])));
    }

    [Fact]
    public async Task OpenApi_document_lists_the_workspace_routes()
    {
        using var anonymous = api.Client();

        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/api/workspace", paths);
        Assert.Contains("/api/keys/{keyId}", paths);
        Assert.Contains("/api/audit/verify", paths);
    }

    [Fact]
    public async Task The_operator_sees_the_cluster_as_this_node_does_and_a_workspace_key_is_refused()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var op = api.Client(ApiFixture.OperatorKey);
        using var owner = api.Client(ownerKey);

        var cluster = await op.GetFromJsonAsync<JsonElement>("/api/cluster", Ct);
        var refused = await owner.GetAsync(new Uri("/api/cluster", UriKind.Relative), Ct);

        var silo = Assert.Single(cluster.GetProperty("silos").EnumerateArray());
        Assert.Equal("active", silo.GetProperty("status").GetString());
        Assert.Equal(cluster.GetProperty("node").GetString(), silo.GetProperty("address").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<JsonElement> CreateKeyAsync(HttpClient owner, string name, string userId, string scope, DateTimeOffset? expiresAt = null)
    {
        var response = await owner.PostAsJsonAsync("/api/keys", new { name, userId, scopes = new[] { scope }, expiresAt }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
