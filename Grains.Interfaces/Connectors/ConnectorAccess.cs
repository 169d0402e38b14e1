namespace Platform.Grains.Interfaces.Connectors;

/// <summary>
/// What the tool executor needs to call a connector's API once: its view (scope) and a bearer token valid now. Not a
/// record, so no generated ToString can print the token; it lives for one call and is never stored or sent to a model.
/// </summary>
[GenerateSerializer, Immutable, Alias("platform.ConnectorAccess")]
public sealed class ConnectorAccess(ConnectorView connector, string? bearerToken)
{
    [Id(0)]
    public ConnectorView Connector { get; } = connector;

    [Id(1)]
    public string? BearerToken { get; } = bearerToken;

    public override string ToString() => $"ConnectorAccess {{ {Connector.ConnectorId} }}";
}
