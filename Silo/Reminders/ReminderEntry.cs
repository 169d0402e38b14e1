namespace Platform.Silo.Reminders;

/// <summary>A durable wake-up: call <paramref name="GrainId"/>'s reminder <paramref name="Name"/> at <paramref name="DueAt"/>, then every <paramref name="Period"/>.</summary>
/// <param name="GrainId">The grain to wake.</param>
/// <param name="Name">The reminder name, unique per grain.</param>
/// <param name="DueAt">The next time it fires.</param>
/// <param name="Period">The interval between firings, or <see cref="Timeout.InfiniteTimeSpan"/> for a one-shot reminder.</param>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset DueAt, TimeSpan Period);
