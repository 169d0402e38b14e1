namespace Platform.Grains.Connectors;

/// <summary>What a connectors grain persists: a workspace's connectors, oldest first.</summary>
public sealed class ConnectorsState
{
    public List<StoredConnector> Connectors { get; set; } = [];

    /// <summary>Events written with the change they announce, waiting until the bus has confirmed them.</summary>
    public List<Events.OutboxEntry> Outbox { get; set; } = [];
}
