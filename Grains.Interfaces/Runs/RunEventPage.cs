using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Runs;

/// <summary>A page of run events.</summary>
/// <param name="Events">The events.</param>
/// <param name="Finished">Whether the run has ended (no more events will come).</param>
[GenerateSerializer, Immutable, Alias("platform.RunEventPage")]
public sealed record RunEventPage(ImmutableArray<RunEvent> Events, bool Finished);
