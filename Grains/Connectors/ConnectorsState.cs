namespace Platform.Grains.Connectors;

/// <summary>What a connectors grain persists: a workspace's connectors, oldest first.</summary>
public sealed class ConnectorsState
{
    public List<StoredConnector> Connectors { get; set; } = [];
}
