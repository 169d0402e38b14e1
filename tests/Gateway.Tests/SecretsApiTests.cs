using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Gateway.Tests;

/// <summary>The secret store's HTTP surface: write-only values, names and fingerprints back. Runs on every store.</summary>
public abstract class SecretsApiTests(ApiFixture api)
{
    private const string Value = "ghp_live_value_0123456789abcdefghij";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Setting_a_secret_answers_its_name_and_fingerprint_and_never_its_value()
    {
        using var owner = await OwnerAsync();

        using var response = await owner.PutAsJsonAsync("/api/secrets/deploy-token", new { value = Value }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var listed = await owner.GetStringAsync(new Uri("/api/secrets", UriKind.Relative), Ct);
        var audit = await owner.GetStringAsync(new Uri("/api/audit?kind=secret.", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var secret = JsonDocument.Parse(text).RootElement;
        Assert.Equal("deploy-token", secret.GetProperty("name").GetString());
        Assert.Equal(1, secret.GetProperty("version").GetInt32());
        Assert.Equal("user", secret.GetProperty("managedBy").GetString());
        Assert.Matches("^fp_[0-9a-f]{16}$", secret.GetProperty("fingerprint").GetString());
        Assert.Contains("deploy-token", listed, StringComparison.Ordinal);
        Assert.Contains("secret.set", audit, StringComparison.Ordinal);
        foreach (var body in new[] { text, listed, audit })
        {
            Assert.DoesNotContain(Value, body, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Value)), body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rotating_changes_the_fingerprint_and_version_and_deleting_removes_it()
    {
        using var owner = await OwnerAsync();
        var first = await (await owner.PutAsJsonAsync("/api/secrets/api-key", new { value = Value }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        using var rotated = await owner.PostAsJsonAsync("/api/secrets/api-key/rotate", new { value = Value + "-next" }, Ct);
        var second = await rotated.Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var deleted = await owner.DeleteAsync(new Uri("/api/secrets/api-key", UriKind.Relative), Ct);
        var listed = await owner.GetFromJsonAsync<JsonElement>("/api/secrets", Ct);
        var audit = await owner.GetFromJsonAsync<JsonElement>("/api/audit?kind=secret.", Ct);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.NotEqual(first.GetProperty("fingerprint").GetString(), second.GetProperty("fingerprint").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, listed.GetArrayLength());
        Assert.Equal(["secret.set", "secret.rotated", "secret.deleted"], audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray());
    }

    [Theory]
    [InlineData("PUT", "/api/secrets/Bad%20Name", """{"value":"long-enough-value"}""", 400)]
    [InlineData("PUT", "/api/secrets/ok-name", """{"value":"short"}""", 400)]
    [InlineData("PUT", "/api/secrets/ok-name", """{}""", 400)]
    [InlineData("PUT", "/api/secrets/connector.slack.access_token", """{"value":"long-enough-value"}""", 400)]
    [InlineData("PUT", "/api/secrets/existing", """{"value":"long-enough-value"}""", 409)]
    [InlineData("POST", "/api/secrets/missing/rotate", """{"value":"long-enough-value"}""", 404)]
    [InlineData("DELETE", "/api/secrets/missing", null, 404)]
    public async Task Bad_secret_requests_get_problem_details_and_change_nothing(string method, string url, string? body, int status)
    {
        using var owner = await OwnerAsync();
        (await owner.PutAsJsonAsync("/api/secrets/existing", new { value = Value }, Ct)).EnsureSuccessStatusCode();
        var before = await owner.GetStringAsync(new Uri("/api/secrets", UriKind.Relative), Ct);
        var auditBefore = (await owner.GetFromJsonAsync<JsonElement>("/api/audit", Ct)).GetProperty("entries").GetArrayLength();

        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await owner.SendAsync(request, Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await owner.GetStringAsync(new Uri("/api/secrets", UriKind.Relative), Ct));
        Assert.Equal(auditBefore, (await owner.GetFromJsonAsync<JsonElement>("/api/audit", Ct)).GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task A_member_key_cannot_read_or_set_secrets()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        using var owner = api.Client(ownerKey);
        var created = await (await owner.PostAsJsonAsync("/api/keys", new { name = "m", userId = "owner@acme.test", scopes = new[] { "member" } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var member = api.Client(created.GetProperty("token").GetString());

        using var list = await member.GetAsync(new Uri("/api/secrets", UriKind.Relative), Ct);
        using var set = await member.PutAsJsonAsync("/api/secrets/x-token", new { value = Value }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, set.StatusCode);
    }

    private async Task<HttpClient> OwnerAsync()
    {
        var (_, ownerKey) = await api.CreateWorkspaceAsync();
        return api.Client(ownerKey);
    }
}
