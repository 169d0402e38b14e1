using System.Text.Json;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Tools;

namespace Platform.Grains.Connectors;

/// <summary>
/// Which tools act through a connector, and the scope check every such call passes before it runs (and again right
/// before its side effect): the connector is of the tool's kind, and the channel, repository or URL is one it was granted.
/// </summary>
public static class ConnectorTools
{
    /// <summary>The connector kind a tool needs, or null for tools that use none.</summary>
    public static ConnectorKind? KindOf(string tool) => tool switch
    {
        ToolNames.SlackPostMessage or ToolNames.SlackReadHistory => ConnectorKind.Slack,
        ToolNames.GitHubCreateIssue or ToolNames.GitHubComment or ToolNames.GitHubReadFile => ConnectorKind.GitHub,
        ToolNames.HttpGet or ToolNames.HttpPost => ConnectorKind.Http,
        _ => null,
    };

    /// <summary>The connector id a (schema-valid) call names, or null.</summary>
    public static string? ConnectorIdOf(string tool, string canonicalArguments)
    {
        if (KindOf(tool) is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(canonicalArguments);
        return document.RootElement.TryGetProperty("connector", out var id) ? id.GetString() : null;
    }

    /// <summary>Why the call is outside <paramref name="connector"/>'s granted scope, or null when it is inside.</summary>
    public static string? ScopeRefusal(ConnectorView connector, string tool, JsonElement arguments)
    {
        ArgumentNullException.ThrowIfNull(connector);
        if (KindOf(tool) != connector.Kind)
        {
            return $"{tool} cannot use {connector.Kind} connector {connector.Name}.";
        }

        switch (connector.Kind)
        {
            case ConnectorKind.Slack:
                var channel = arguments.GetProperty("channel").GetString();
                return connector.Channels.Contains(channel!, StringComparer.Ordinal)
                    ? null
                    : $"channel '{channel}' is not granted to connector {connector.Name} (granted: {string.Join(", ", connector.Channels)}).";
            case ConnectorKind.GitHub:
                var repository = arguments.GetProperty("repository").GetString();
                return connector.Repositories.Contains(repository!, StringComparer.OrdinalIgnoreCase)
                    ? null
                    : $"repository '{repository}' is not granted to connector {connector.Name} (granted: {string.Join(", ", connector.Repositories)}).";
            default:
                var url = new Uri(arguments.GetProperty("url").GetString()!, UriKind.Absolute);
                return WebhookAllowlist.IsAllowed(url, connector.AllowedUrls)
                    ? null
                    : $"the URL is not under connector {connector.Name}'s allowed prefixes.";
        }
    }
}
