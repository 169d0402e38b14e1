namespace Platform.Grains.Budget;

/// <summary>A threshold crossing still to be audited and published.</summary>
public sealed record PendingAnnouncement(string Period, int Percent);
