using Platform.Grains.Interfaces.Audit;

namespace Platform.Grains.Audit;

/// <summary>How grains append to their workspace's audit log: one record from a kind, an actor, a line and key/value details.</summary>
internal static class AuditLogExtensions
{
    public static Task<AuditEntry> AuditAsync(this IGrainFactory grains, string workspaceId, string kind, string actor, string summary, params (string Key, string Value)[] details) =>
        grains.GetGrain<IAuditLogGrain>(workspaceId).AppendAsync(AuditRecord.Create(kind, actor, summary, details));
}
