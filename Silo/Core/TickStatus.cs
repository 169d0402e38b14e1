namespace Platform.Silo;

/// <summary>What a reminder knows when it fires.</summary>
/// <param name="DueAt">When this firing was due.</param>
/// <param name="Period">The reminder's period, or <see cref="Timeout.InfiniteTimeSpan"/> for a one-shot reminder.</param>
/// <param name="CurrentTime">When it actually fired (later than <paramref name="DueAt"/> after a restart).</param>
public readonly record struct TickStatus(DateTimeOffset DueAt, TimeSpan Period, DateTimeOffset CurrentTime);
