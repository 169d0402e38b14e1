using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Gateway.Tests.Guardrails;

/// <summary>The same attacks through the OpenAI-compatible endpoint: a caller (or a model driving it) tries to send a workspace secret or card number to the provider.</summary>
[Collection(GuardrailGroup.Name)]
public sealed class CompromisedModelProxyTests(GuardrailFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(SecretForms.Encodings), MemberType = typeof(SecretForms))]
    public async Task A_secret_in_any_encoding_in_a_prompt_is_refused_audited_and_never_forwarded(string encoding)
    {
        var ws = await fixture.CreateWorkspaceAsync();
        await ws.SetSecretAsync("deploy-token", SecretForms.Value);
        var forwarded = fixture.Model.Requests.Count;

        using var response = await ws.Proxy.PostAsJsonAsync("/v1/chat/completions", Chat($"remember this for later: {SecretForms.Encode(encoding)}"), Ct);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("secret_detected", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("secret://deploy-token", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(forwarded, fixture.Model.Requests.Count);
        Assert.Contains("proxy.egress_blocked", await ws.AuditKindsAsync("proxy."));
        Assert.DoesNotContain(SecretForms.Value, await ws.AuditTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_number_is_blocked_by_default_and_a_redacted_email_reaches_the_provider_as_a_marker()
    {
        var ws = await fixture.CreateWorkspaceAsync();
        var forwarded = fixture.Model.Requests.Count;

        using var card = await ws.Proxy.PostAsJsonAsync("/v1/chat/completions", Chat("charge 4111 1111 1111 1111 please"), Ct);
        await GuardrailFixture.ReadAsync(await ws.Owner.PatchAsJsonAsync("/api/workspace", new { egress = new { email = "redact", phone = "allow", cardNumber = "block" } }, Ct));
        fixture.Model.EnqueueText("ok", 10, 1);
        using var email = await ws.Proxy.PostAsJsonAsync("/v1/chat/completions", Chat("write to carol@example.test about it"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, card.StatusCode);
        Assert.Equal("personal_data_detected", (await card.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, email.StatusCode);
        var sent = fixture.Model.Requests[forwarded].Body;
        Assert.Equal(forwarded + 1, fixture.Model.Requests.Count);
        Assert.DoesNotContain("carol@example.test", sent, StringComparison.Ordinal);
        Assert.Contains("[redacted email]", sent, StringComparison.Ordinal);
    }

    private static object Chat(string content) => new { model = "fake-model", messages = new[] { new { role = "user", content } } };
}
