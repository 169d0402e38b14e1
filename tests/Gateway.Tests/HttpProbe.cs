using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Platform.Gateway.Tests;

/// <summary>Helpers for the tests of the gateway's HTTP behaviour: raw requests, a proxy key, and a route that fails.</summary>
internal static class HttpProbe
{
    /// <summary>A route that throws an unexpected exception, under <c>/api</c> and <c>/v1</c>, to see what a 500 looks like.</summary>
    public const string FailingApiRoute = "/api/test-only/fail";

    public const string FailingV1Route = "/v1/test-only/fail";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Adds <see cref="FailingApiRoute"/> and <see cref="FailingV1Route"/> after the gateway's own pipeline.</summary>
    public sealed class FailingRoutes : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate following) =>
                context.Request.Path == FailingApiRoute || context.Request.Path == FailingV1Route
                    ? throw new InvalidOperationException("unexpected failure for the test")
                    : following(context));
        };
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null, string? contentType = "application/json", string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await client.SendAsync(request, Ct);
        await response.Content.LoadIntoBufferAsync(Ct);
        return response;
    }

    /// <summary>A key with the <c>proxy</c> scope for the owner of the workspace <paramref name="ownerKey"/> opens.</summary>
    public static async Task<string> ProxyKeyAsync(HttpClient client, string ownerKey, string ownerUserId = "owner@acme.test")
    {
        var response = await SendAsync(client, HttpMethod.Post, "/api/keys", JsonSerializer.Serialize(new { name = "app", userId = ownerUserId, scopes = new[] { "proxy" } }), bearer: ownerKey);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("token").GetString()!;
    }

    /// <summary>The <c>error</c> object of an OpenAI-shaped error body.</summary>
    public static async Task<JsonElement> OpenAiErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error");
    }

    /// <summary>The detail of a problem-details body, after checking it is one.</summary>
    public static async Task<string> ProblemDetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!;
    }
}
