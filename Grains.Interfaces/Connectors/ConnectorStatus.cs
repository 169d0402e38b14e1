namespace Platform.Grains.Interfaces.Connectors;

/// <summary>Where a connector stands; only <see cref="Connected"/> lets a tool use it.</summary>
public enum ConnectorStatus
{
    /// <summary>Created; waits for a person to authorize it at the provider.</summary>
    PendingAuthorization,

    /// <summary>Usable.</summary>
    Connected,

    /// <summary>
    /// Authorized at the provider in a browser that did not start the authorization: not usable until an admin of the
    /// workspace confirms with the code that browser was shown.
    /// </summary>
    AwaitingConfirmation,

    /// <summary>The provider refused to refresh its grant (<c>invalid_grant</c>): a person must authorize it again.</summary>
    ReconnectNeeded,

    /// <summary>Revoked by a person; dark for good (create a new one to reconnect).</summary>
    Revoked,
}
