using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Platform.Silo.Isolation;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Workspaces;

namespace Platform.Gateway.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. The operator key is checked in constant time against configuration; a workspace
/// token names its workspace, whose grain checks the secret. The principal carries exactly one workspace id, the only
/// one its requests can reach.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorKey operatorKey,
    KeyAuthenticationCache keyChecks,
    IGrainFactory grains) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The category of the one line a refused key writes (the base handler's own lines are kept at Warning).</summary>
    public const string RefusalCategory = "Platform.Gateway.Security.KeyRefusals";

    private const string FailureItem = "platform:auth-failure";
    private readonly ILogger _refusals = logger.CreateLogger(RefusalCategory);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Fail("Use 'Authorization: Bearer <key>'.", "(not a bearer key)");
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.StartsWith("op_", StringComparison.Ordinal) && operatorKey.Matches(token))
        {
            return Success(new Claim(PlatformClaims.Operator, "true"));
        }

        if (!ApiKeyToken.TryParse(token, out var workspaceId, out var keyId, out var secret))
        {
            return Fail("The API key is not valid.", token.StartsWith("op_", StringComparison.Ordinal) ? "(an operator key)" : "(not a platform key)");
        }

        // The key names its workspace; only that workspace's grain is asked, and it checks the secret.
        TenantContext.Set(workspaceId);
        var result = keyChecks.Find(workspaceId, keyId, secret);
        if (result is null)
        {
            var ticket = keyChecks.Begin(workspaceId);
            result = await grains.GetGrain<IWorkspaceGrain>(workspaceId).AuthenticateAsync(keyId, secret);
            keyChecks.Remember(ticket, keyId, secret, result);
        }
        if (result.Principal is not { } principal)
        {
            return Fail(result.Failure ?? "The API key is not valid.", $"plat_{workspaceId}_{keyId}");
        }

        if (result.Proxy is { } proxy)
        {
            // The OpenAI-compatible endpoint's settings came with the key: it need not ask the workspace again.
            Context.Features.Set(proxy);
        }

        var claims = new List<Claim>
        {
            new(PlatformClaims.WorkspaceId, principal.WorkspaceId),
            new(PlatformClaims.KeyId, principal.KeyId),
            new(PlatformClaims.UserId, principal.UserId),
        };
        claims.AddRange(principal.Scopes.Select(s => new Claim(PlatformClaims.Scope, s.ToString())));
        claims.AddRange(principal.Roles.Select(r => new Claim(PlatformClaims.Role, r.ToString())));
        return Success([.. claims]);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = Context.Items[FailureItem] as string ?? "This endpoint needs 'Authorization: Bearer <key>'.";
        if (Proxy.OpenAiError.Applies(Context))
        {
            return Proxy.OpenAiError.WriteAsync(Context, StatusCodes.Status401Unauthorized, Proxy.OpenAiError.Authentication, detail, code: "invalid_api_key");
        }

        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Proxy.OpenAiError.Applies(Context)
            ? Proxy.OpenAiError.WriteAsync(Context, StatusCodes.Status403Forbidden, Proxy.OpenAiError.Permission, "This key lacks the 'proxy' scope the OpenAI-compatible endpoint needs.", code: "insufficient_scope")
            : WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This key lacks the scope or role this endpoint needs.");

    /// <param name="reason">What the caller is told.</param>
    /// <param name="publicId">What the key may be known by in logs: its <c>plat_&lt;workspace&gt;_&lt;key&gt;</c> part, never its secret.</param>
    private AuthenticateResult Fail(string reason, string publicId)
    {
        Context.Items[FailureItem] = reason;
        SecurityLog.KeyRefused(_refusals, publicId, Context.Connection.RemoteIpAddress?.ToString() ?? "(unknown)", reason);
        return AuthenticateResult.Fail(reason);
    }

    private static AuthenticateResult Success(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));

    private Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        return Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
