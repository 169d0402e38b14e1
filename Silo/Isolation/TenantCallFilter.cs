using Microsoft.Extensions.Logging;

namespace Platform.Silo.Isolation;

/// <summary>
/// The runtime's own line of tenant isolation, behind the gateway's routes: a call into a grain that belongs to a
/// tenant is let in only when the caller belongs to the same tenant. A grain caller is judged by its own key (which
/// no caller can forge); a client (the gateway) by the tenant it put into <see cref="TenantContext"/>, where the
/// operator may reach every tenant and naming none reaches none. Orleans' own system targets (reminder ticks, the
/// runtime's management calls) and the grains of no tenant pass. A refusal is logged and recorded for the target's tenant.
/// </summary>
internal sealed partial class TenantCallFilter(ITenantIsolation isolation, ILogger<TenantCallFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (isolation.TenantOf(context.TargetId) is { } targetTenant && Refusal(context, targetTenant) is { } refusal)
        {
            LogRefused(logger, refusal.Caller, refusal.CallerTenant ?? "<none>", refusal.Target.ToString(), refusal.Method);
            isolation.RecordRefusal(refusal);
            throw new TenantIsolationException();
        }

        await context.Invoke();
    }

    private TenantCallRefusal? Refusal(IIncomingGrainCallContext context, string targetTenant)
    {
        if (context.SourceId is { } source && !GrainTypePrefix.IsClient(source))
        {
            if (GrainTypePrefix.IsSystemTarget(source))
            {
                return null;
            }

            // A grain of no tenant (the registry, the operator's catalogue) is trusted code acting for the operator.
            var sourceTenant = isolation.TenantOf(source);
            return sourceTenant is null || string.Equals(sourceTenant, targetTenant, StringComparison.Ordinal)
                ? null
                : new TenantCallRefusal(context.TargetId, targetTenant, source.ToString(), sourceTenant, context.MethodName);
        }

        var claimed = TenantContext.Current;
        return claimed is TenantContext.Operator || string.Equals(claimed, targetTenant, StringComparison.Ordinal)
            ? null
            : new TenantCallRefusal(context.TargetId, targetTenant, "client", claimed, context.MethodName);
    }

    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning, Message = "Refused a call across tenants: {Caller} acting for {CallerTenant} called {Method} on {Target}")]
    private static partial void LogRefused(ILogger logger, string caller, string callerTenant, string target, string method);
}
