using Platform.Silo.Isolation;

namespace Platform.Testing;

/// <summary>
/// Makes a test client call each grain as the gateway would for that grain's own workspace (the first segment of its
/// key), unless the test named a tenant itself: grain tests are about the grain, not the tenant filter. Tests of the
/// filter set <see cref="TenantContext"/> to another workspace, or to the empty string for "none".
/// </summary>
internal sealed class ActAsTargetTenantFilter : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (Orleans.Runtime.RequestContext.Get(TenantContext.Key) is null)
        {
            var key = context.TargetId.Key.ToString() ?? "";
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            TenantContext.Set(slash < 0 ? key : key[..slash]);
        }

        return context.Invoke();
    }
}
