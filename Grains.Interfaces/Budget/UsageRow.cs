namespace Platform.Grains.Interfaces.Budget;

/// <summary>One group of a period's spend.</summary>
/// <param name="Group">The day, key id or model id.</param>
/// <param name="SpentMicros">What the group spent.</param>
/// <param name="Calls">How many settled calls it made (a call settled at 0 writes no ledger entry and is not counted).</param>
[GenerateSerializer, Immutable, Alias("platform.UsageRow")]
public sealed record UsageRow(string Group, long SpentMicros, long Calls);
