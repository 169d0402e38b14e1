namespace Platform.Grains.Budget;

/// <summary>A run's settled spend and the last period it spent in.</summary>
public sealed class RunSpend
{
    public long SpentMicros { get; set; }

    public string LastPeriod { get; set; } = "";
}
