using System.Buffers.Text;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Silo.Isolation;
using Platform.Gateway.Security;
using Platform.Grains.Connectors;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>
/// The caller's workspace's connectors: created with a narrow scope, authorized at the provider (authorization code +
/// PKCE), revoked. The provider's redirect lands on <c>/oauth/callback</c>, which carries no key: the one-time state
/// names the workspace and proves the redirect belongs to an authorization this platform started.
/// </summary>
internal static class ConnectorsApi
{
    /// <summary>The redirect URI's path; operators register <c>https://their-host/oauth/callback</c> with each provider.</summary>
    public const string CallbackPath = "/oauth/callback";

    public static IEndpointRouteBuilder MapConnectorsApi(this IEndpointRouteBuilder routes)
    {
        var admin = PlatformPolicies.Scope(ApiKeyScope.Admin);
        var connectors = routes.MapGroup("/api/connectors").WithTags("Connectors");
        connectors.MapGet("/", ListConnectorsAsync).RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Member)).WithName("ListConnectors");
        connectors.MapPost("/", CreateConnectorAsync).RequireAuthorization(admin).WithName("CreateConnector");
        connectors.MapGet("/{connectorId}", GetConnectorAsync).RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Member)).WithName("GetConnector");
        connectors.MapPost("/{connectorId}/authorize", AuthorizeConnectorAsync).RequireAuthorization(admin).WithName("AuthorizeConnector");
        connectors.MapPost("/{connectorId}/confirm", ConfirmConnectorAsync).RequireAuthorization(admin).WithName("ConfirmConnector");
        connectors.MapPost("/{connectorId}/revoke", RevokeConnectorAsync).RequireAuthorization(admin).WithName("RevokeConnector");

        // A browser arrives here from the provider: no API key, so not part of the API's document.
        routes.MapGet(CallbackPath, CallbackAsync).AllowAnonymous().ExcludeFromDescription().WithName("OAuthCallback");
        return routes;
    }

    public static async Task<Ok<ImmutableArray<ConnectorView>>> ListConnectorsAsync(CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Connectors.ListAsync());

    public static async Task<Created<ConnectorView>> CreateConnectorAsync(CreateConnector request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        var created = await caller.Connectors.CreateAsync(request, caller.Actor);
        return TypedResults.Created($"/api/connectors/{created.ConnectorId}", created);
    }

    public static async Task<Ok<ConnectorView>> GetConnectorAsync(string connectorId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Connectors.GetAsync(connectorId));

    public static async Task<Ok<AuthorizationStart>> AuthorizeConnectorAsync(string connectorId, CallerWorkspace caller, HttpContext context)
    {
        // The nonce stays in this browser (HttpOnly, only sent to the callback); the grain keeps its hash. SameSite=Lax
        // still sends it on the provider's top-level redirect back, and never on a cross-site subrequest.
        var nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var start = await caller.Connectors.BeginAuthorizationAsync(connectorId, caller.Actor, Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(nonce))));
        context.Response.Cookies.Append(BindingCookie(connectorId), nonce, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = CallbackPath,
            Expires = start.ExpiresAt,
        });
        return TypedResults.Ok(start);
    }

    public static async Task<Ok<ConnectorView>> ConfirmConnectorAsync(string connectorId, ConfirmConnectorRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Ok(await caller.Connectors.ConfirmAsync(connectorId, request.ConfirmationCode ?? throw new ArgumentException("confirmationCode is required.", nameof(request)), caller.Actor));
    }

    public static async Task<Ok<ConnectorView>> RevokeConnectorAsync(string connectorId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Connectors.RevokeAsync(connectorId, caller.Actor));

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> CallbackAsync(string? state, string? code, string? error, string? iss, IGrainFactory grains, HttpContext context)
    {
        // state = <workspace id>.<connector id>.<random>: where to look, and which browser cookie must come with it.
        var parts = state?.Split('.', 3);
        if (parts is not [var workspaceId, var connectorId, _] || !WorkspaceIds.IsValid(workspaceId) || !ConnectorRules.IsValidId(connectorId) || (code is null && error is null))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid authorization callback", detail: "The callback needs the state this platform issued and a code or an error.");
        }

        // Anonymous (the provider redirects a browser here): the state names the workspace, whose grain checks it.
        TenantContext.Set(workspaceId);
        var connectors = grains.GetGrain<IConnectorsGrain>(workspaceId);
        var binding = context.Request.Cookies[BindingCookie(connectorId)];
        if (error is not null)
        {
            var failed = await connectors.FailAuthorizationAsync(state!, error, binding);
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Authorization declined", detail: $"The provider did not authorize connector {failed.Name}; start the authorization again to retry.");
        }

        var completion = await connectors.CompleteAuthorizationAsync(state!, code!, binding, iss);
        context.Response.Cookies.Delete(BindingCookie(connectorId), new CookieOptions { Path = CallbackPath });
        var name = completion.Connector.Name;
        return completion.ConfirmationCode is { } confirmation
            ? TypedResults.Text(
                $"Connector {name} is authorized but not yet connected, because this browser did not start the authorization.\n"
                + $"If you started it, confirm with this code: POST /api/connectors/{connectorId}/confirm {{\"confirmationCode\":\"{confirmation}\"}}\n"
                + $"Confirmation code: {confirmation}\nIf someone else sent you this link, do not give them the code.",
                "text/plain")
            : TypedResults.Text($"Connector {name} is connected. You may close this page.", "text/plain");
    }

    /// <summary>The cookie that binds a connector's pending authorization to the browser that started it.</summary>
    public static string BindingCookie(string connectorId) => $"platform_oauth_{connectorId}";
}
