using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Runs;

/// <summary>A page of a workspace's runs, newest first.</summary>
/// <param name="Runs">The runs on this page.</param>
/// <param name="Next">The <c>after</c> of the next page (the last run id here), or null when this is the last page.</param>
[GenerateSerializer, Immutable, Alias("platform.RunPage")]
public sealed record RunPage(ImmutableArray<RunSummary> Runs, string? Next);
