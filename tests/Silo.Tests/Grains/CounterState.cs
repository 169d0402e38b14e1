namespace Platform.Silo.Tests.Grains;

/// <summary>State of <see cref="CounterGrain"/>; lives inside the grain, so it may be mutable.</summary>
public sealed class CounterState
{
    public int Value { get; set; }

    public string Note { get; set; } = "";
}
