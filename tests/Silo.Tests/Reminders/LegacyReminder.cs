namespace Platform.Silo.Tests.Reminders;

/// <summary>A reminder row as the platform's own runtime wrote it before Orleans: no ring hash, no version, one-shot as period -1.</summary>
/// <param name="GrainType">The grain type column.</param>
/// <param name="GrainKey">The grain key column.</param>
/// <param name="Name">The reminder's name.</param>
/// <param name="DueAt">When it was due.</param>
/// <param name="PeriodMilliseconds">Its period, or -1 for a one-shot reminder.</param>
public sealed record LegacyReminder(string GrainType, string GrainKey, string Name, DateTimeOffset DueAt, long PeriodMilliseconds);
