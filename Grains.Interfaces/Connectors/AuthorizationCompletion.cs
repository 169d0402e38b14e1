namespace Platform.Grains.Interfaces.Connectors;

/// <summary>What came of the provider's redirect.</summary>
/// <param name="Connector">The connector: connected, or awaiting confirmation.</param>
/// <param name="ConfirmationCode">
/// Set when the redirect arrived in a browser that did not start the authorization (an API client started it, or a
/// link was forwarded): the person who sees this code must give it to an admin of the workspace, who confirms with it.
/// Without that, someone else's grant could land in this workspace.
/// </param>
[GenerateSerializer, Immutable, Alias("platform.AuthorizationCompletion")]
public sealed record AuthorizationCompletion(ConnectorView Connector, string? ConfirmationCode);
