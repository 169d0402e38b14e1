namespace Platform.Silo.Tests.Grains;

/// <summary>The persisted state of <see cref="CounterGrain"/>; stored as JSON by the project's grain storage.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }

    [Id(1)]
    public string Note { get; set; } = "";
}
