namespace Platform.Grains.Interfaces.Connectors;

/// <summary>A connector a tool needs is revoked, waits for (re)authorization, or is unknown: the run cannot use it.</summary>
[GenerateSerializer, Alias("platform.ConnectorUnavailableException")]
public sealed class ConnectorUnavailableException : Exception
{
    public ConnectorUnavailableException()
    {
    }

    public ConnectorUnavailableException(string message)
        : base(message)
    {
    }

    public ConnectorUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
