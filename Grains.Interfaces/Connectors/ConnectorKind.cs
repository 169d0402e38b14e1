namespace Platform.Grains.Interfaces.Connectors;

/// <summary>What a connector reaches.</summary>
public enum ConnectorKind
{
    /// <summary>A Slack workspace, scoped to chosen channels (OAuth).</summary>
    Slack,

    /// <summary>GitHub, scoped to chosen repositories (OAuth).</summary>
    GitHub,

    /// <summary>Plain HTTP to allowlisted URL prefixes, optionally with a bearer secret from the secret store.</summary>
    Http,
}
