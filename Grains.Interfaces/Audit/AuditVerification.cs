namespace Platform.Grains.Interfaces.Audit;

/// <summary>The outcome of recomputing a workspace's audit chain.</summary>
/// <param name="Valid">Whether every link holds.</param>
/// <param name="EntriesChecked">How many entries were recomputed.</param>
/// <param name="FirstBrokenSequence">The first entry whose hash or link does not hold, when not valid.</param>
/// <param name="Problem">What is wrong with it, in one sentence.</param>
[GenerateSerializer, Immutable, Alias("platform.AuditVerification")]
public sealed record AuditVerification(bool Valid, long EntriesChecked, long? FirstBrokenSequence, string? Problem);
