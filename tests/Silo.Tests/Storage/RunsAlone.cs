namespace Platform.Silo.Tests.Storage;

/// <summary>Throughput figures mean nothing while other tests share the two cores, so these run alone.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
