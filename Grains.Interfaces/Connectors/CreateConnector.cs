using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Connectors;

/// <summary>A new connector and the scope the workspace grants it: never the whole account.</summary>
/// <param name="Kind">What it reaches.</param>
/// <param name="Name">A label for people.</param>
/// <param name="Channels">Slack: the channel ids it may read and post to (at least one).</param>
/// <param name="Repositories">GitHub: the <c>owner/name</c> repositories it may read and write (at least one).</param>
/// <param name="AllowedUrls">HTTP: the URL prefixes it may reach (scheme, host, port and path prefix, as the webhook allowlist).</param>
/// <param name="AuthorizationSecret">HTTP: a handle (<c>secret://name</c>) sent as the bearer token; resolved at call time.</param>
[GenerateSerializer, Immutable, Alias("platform.CreateConnector")]
public sealed record CreateConnector(
    ConnectorKind Kind,
    string Name,
    ImmutableArray<string>? Channels = null,
    ImmutableArray<string>? Repositories = null,
    ImmutableArray<string>? AllowedUrls = null,
    string? AuthorizationSecret = null);
