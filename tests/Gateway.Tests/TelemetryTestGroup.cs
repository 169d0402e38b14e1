namespace Platform.Gateway.Tests;

/// <summary>
/// The telemetry test classes run one after another. A .NET meter listener hears every meter of the process, so the
/// OpenTelemetry SDK of each gateway in a test process also counts what the other gateways record: the classes that
/// assert what a scrape or an export must not contain (a workspace id) cannot run beside the one that turns the
/// workspace label on. A deployed node hosts one gateway and has no such neighbour.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TelemetryTestGroup
{
    public const string Name = "Telemetry";
}
