using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>The caller's workspace's audit log and its verification.</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var audit = routes.MapGroup("/api/audit").RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Admin)).WithTags("Audit");
        audit.MapGet("/", ReadAsync).WithName("ReadAudit");
        audit.MapGet("/verify", VerifyAsync).WithName("VerifyAudit");
        return routes;
    }

    public static async Task<Ok<AuditPage>> ReadAsync(CallerWorkspace caller, long after = 0, int limit = 100, string? kind = null)
    {
        if (after < 0)
        {
            throw new ArgumentException("after must not be negative.", nameof(after));
        }

        if (limit is < 1 or > 1000)
        {
            throw new ArgumentException("limit must be between 1 and 1000.", nameof(limit));
        }

        return TypedResults.Ok(await caller.Audit.ReadAsync(after, limit, kind));
    }

    public static async Task<Ok<AuditVerification>> VerifyAsync(CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Audit.VerifyAsync());
}
