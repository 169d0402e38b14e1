using Platform.Silo.Isolation;

namespace Platform.Gateway.Security;

/// <summary>
/// Tells the runtime which workspace a request acts for, from the authenticated key, before any endpoint calls a
/// grain: the silo's tenant filter refuses a call into another workspace's grains even if a route had a bug. The
/// operator reaches every workspace; an anonymous request reaches none (its endpoints name the workspace themselves).
/// </summary>
internal sealed class TenantContextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.FindFirst(PlatformClaims.WorkspaceId)?.Value is { Length: > 0 } workspaceId)
        {
            TenantContext.Set(workspaceId);
        }
        else if (context.User.HasClaim(static c => c.Type == PlatformClaims.Operator))
        {
            TenantContext.SetOperator();
        }
        else
        {
            TenantContext.Clear();
        }

        return next(context);
    }
}
