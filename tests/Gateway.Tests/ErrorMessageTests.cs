using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Gateway.Tests;

/// <summary>Errors say what was wrong and what is accepted, in the wire's words; under /v1 in OpenAI's shape.</summary>
public sealed class ErrorMessageTests(SqliteApiFixture api) : IClassFixture<SqliteApiFixture>
{
    [Fact]
    public async Task An_unknown_scope_names_the_field_and_lists_the_accepted_scopes_without_any_type_name()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Post, "/api/keys", """{"name":"ci","userId":"owner@acme.test","scopes":["foo"]}""", bearer: owner);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = await HttpProbe.ProblemDetailAsync(response);
        Assert.StartsWith("scopes[0]:", detail, StringComparison.Ordinal);
        Assert.Contains("accepted values are admin, member, approver, partner, proxy.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Platform.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_kind_says_what_kind_is_expected()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Put, "/api/budget", """{"monthlyCapMicros":"lots"}""", bearer: owner);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("monthlyCapMicros: the value is not accepted; expected a whole number.", await HttpProbe.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task An_unknown_field_is_refused_with_the_fields_the_body_accepts()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Put, "/api/budget", """{"monthlyCap":5}""", bearer: owner);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'monthlyCap' is not a field of this body; accepted fields are monthlyCapMicros.", await HttpProbe.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task A_duplicate_key_is_refused_on_api_as_on_v1_and_changes_nothing()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Put, "/api/budget", """{"monthlyCapMicros":5,"monthlyCapMicros":900000000}""", bearer: owner);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'monthlyCapMicros' appears more than once", await HttpProbe.ProblemDetailAsync(response), StringComparison.Ordinal);
        using var budget = await HttpProbe.SendAsync(client, HttpMethod.Get, "/api/budget", bearer: owner);
        Assert.DoesNotContain("900000000", await budget.Content.ReadAsStringAsync(HttpProbe.Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_without_a_content_type_is_a_415_problem_saying_json_is_accepted()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();

        using var untyped = await HttpProbe.SendAsync(client, HttpMethod.Put, "/api/budget", """{"monthlyCapMicros":5}""", contentType: null, bearer: owner);
        using var text = await HttpProbe.SendAsync(client, HttpMethod.Put, "/api/budget", """{"monthlyCapMicros":5}""", contentType: "text/plain", bearer: owner);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, untyped.StatusCode);
        Assert.Contains("'Content-Type: application/json'", await HttpProbe.ProblemDetailAsync(untyped), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Contains("'text/plain' is not accepted", await HttpProbe.ProblemDetailAsync(text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_a_secret_without_a_body_says_which_body_is_expected()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Post, "/api/secrets/smtp/rotate", "", bearer: owner);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = await HttpProbe.ProblemDetailAsync(response);
        Assert.Equal("This request needs a body: a JSON object with the fields value, sent with 'Content-Type: application/json'.", detail);
    }

    [Fact]
    public async Task A_query_parameter_of_the_wrong_kind_says_what_is_expected()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Get, "/api/audit?limit=many", bearer: owner);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("'limit' is 'many', which is not accepted; expected a whole number.", await HttpProbe.ProblemDetailAsync(response));
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem_with_a_body_whatever_the_client_accepts()
    {
        using var client = api.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/nothing-here", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await client.SendAsync(request, HttpProbe.Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("No route matches GET /api/nothing-here; the API is described at /openapi/v1.json.", await HttpProbe.ProblemDetailAsync(response));
    }

    [Theory]
    [InlineData("POST", "/v1/responses")]
    [InlineData("POST", "/v1/embeddings")]
    [InlineData("POST", "/v1/completions")]
    [InlineData("GET", "/v1/files")]
    [InlineData("POST", "/v1/audio/speech")]
    public async Task Unsupported_OpenAI_routes_answer_404_in_OpenAIs_shape(string method, string path)
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();
        var proxy = await HttpProbe.ProxyKeyAsync(client, owner);

        using var response = await HttpProbe.SendAsync(client, new HttpMethod(method), path, method == "POST" ? "{}" : null, bearer: proxy);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await HttpProbe.OpenAiErrorAsync(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("unknown_url", error.GetProperty("code").GetString());
        Assert.Contains(path, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_chat_completion_without_a_json_content_type_is_a_415_in_OpenAIs_shape(string? contentType)
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();
        var proxy = await HttpProbe.ProxyKeyAsync(client, owner);

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Post, "/v1/chat/completions", """{"model":"m","messages":[]}""", contentType, bearer: proxy);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var error = await HttpProbe.OpenAiErrorAsync(response);
        Assert.Equal("unsupported_media_type", error.GetProperty("code").GetString());
        Assert.Contains("application/json", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_method_under_v1_answers_in_OpenAIs_shape()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();
        var proxy = await HttpProbe.ProxyKeyAsync(client, owner);

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Delete, "/v1/chat/completions", bearer: proxy);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("invalid_request_error", (await HttpProbe.OpenAiErrorAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_budget_refusal_tells_OpenAIs_SDKs_not_to_retry()
    {
        var (_, owner) = await api.CreateWorkspaceAsync();
        using var client = api.Client();
        var proxy = await HttpProbe.ProxyKeyAsync(client, owner);
        using var models = await HttpProbe.SendAsync(client, HttpMethod.Get, "/v1/models", bearer: proxy);
        var model = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(models.Content, HttpProbe.Ct)).GetProperty("data")[0].GetProperty("id").GetString();

        // A new workspace's cap is 0: the reservation is refused.
        using var response = await HttpProbe.SendAsync(client, HttpMethod.Post, "/v1/chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", bearer: proxy);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("budget_exceeded", (await HttpProbe.OpenAiErrorAsync(response)).GetProperty("type").GetString());
        Assert.Equal("false", Assert.Single(response.Headers.GetValues("x-should-retry")));
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_without_detail_in_the_routes_own_shape()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>())
        {
            TestServices = static services => services.AddSingleton<IStartupFilter, HttpProbe.FailingRoutes>(),
        };
        using var client = gateway.CreateClient();

        using var api500 = await HttpProbe.SendAsync(client, HttpMethod.Get, HttpProbe.FailingApiRoute);
        using var v1500 = await HttpProbe.SendAsync(client, HttpMethod.Get, HttpProbe.FailingV1Route);

        Assert.Equal(HttpStatusCode.InternalServerError, api500.StatusCode);
        Assert.Equal("application/problem+json", api500.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("unexpected failure", await api500.Content.ReadAsStringAsync(HttpProbe.Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.InternalServerError, v1500.StatusCode);
        Assert.Equal("server_error", (await HttpProbe.OpenAiErrorAsync(v1500)).GetProperty("type").GetString());
    }
}
