using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Workspaces;
using Platform.Silo.Isolation;
using Platform.Grains.Diagnostics;

namespace Platform.Grains.Isolation;

/// <summary>
/// The platform's tenants are its workspaces: a grain belongs to the workspace its key starts with (<c>ws…</c>, or
/// <c>ws…/run…</c> for a run); the registry, the operator's catalogue and audit log, and key rotation belong to none.
/// A refused call is recorded in the target workspace's audit log, without the caller's workspace id (that is
/// another tenant's information); the operator's log line has it.
/// </summary>
internal sealed partial class WorkspaceTenantIsolation(IServiceProvider services, ILogger<WorkspaceTenantIsolation> logger) : ITenantIsolation
{
    private const int WorkspaceIdLength = 22;

    public string? TenantOf(GrainId grainId)
    {
        // Read from the key's UTF-8 bytes: this runs for every call into a grain, twice.
        var key = grainId.Key.AsSpan();
        if (key.Length < WorkspaceIdLength || (key.Length > WorkspaceIdLength && key[WorkspaceIdLength] != (byte)'/'))
        {
            return null;
        }

        var candidate = Encoding.ASCII.GetString(key[..WorkspaceIdLength]);
        return WorkspaceIds.IsValid(candidate) ? candidate : null;
    }

    public void RecordRefusal(TenantCallRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var caller = refusal.Caller == "client" ? "client" : "grain";
        services.GetRequiredService<PlatformMetrics>().TenantCallRefused(refusal.TargetTenant, refusal.Target.Type.ToString() ?? "", caller);
        var record = AuditRecord.Create(
            "isolation.refused",
            "system",
            "A call from outside this workspace was refused by the runtime.",
            ("caller", caller),
            ("method", refusal.Method),
            ("target", refusal.Target.Type.ToString() ?? ""));

        // Not awaited: the refusal must not wait for storage, and the audit grain may be the very grain refusing.
        var append = services.GetRequiredService<IGrainFactory>().GetGrain<IAuditLogGrain>(refusal.TargetTenant).AppendDeferredAsync(record);
        append.ContinueWith(
            static (task, state) => LogAuditFailed((ILogger)state!, task.Exception!),
            logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 4402, Level = LogLevel.Error, Message = "A refused cross-tenant call could not be recorded in the audit log")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception);
}
