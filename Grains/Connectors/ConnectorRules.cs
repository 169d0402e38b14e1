using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Interfaces.Secrets;

namespace Platform.Grains.Connectors;

/// <summary>What a connector's scope must be, checked before anything is stored: narrow, explicit and well-formed.</summary>
public static partial class ConnectorRules
{
    /// <summary>A bound on one workspace's connectors.</summary>
    public const int MaxConnectors = 50;

    /// <summary>At most this many channels, repositories or URL prefixes per connector: a scope, not an account.</summary>
    public const int MaxScopeEntries = 10;

    /// <summary>Whether <paramref name="id"/> has the shape of a connector id: <c>con</c> and 12 lower-case hex digits.</summary>
    public static bool IsValidId(string? id) => id is { Length: 15 } && id.StartsWith("con", StringComparison.Ordinal) && LowerHex.Is(id.AsSpan(3));

    /// <summary>A new connector id.</summary>
    public static string NewId() => "con" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    /// <summary>Checks a request and answers its scope lists, normalised.</summary>
    public static (ImmutableArray<string> Channels, ImmutableArray<string> Repositories, ImmutableArray<string> AllowedUrls) Validate(CreateConnector request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enum.IsDefined(request.Kind))
        {
            throw new ArgumentException("kind must be slack, gitHub or http.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 80 || request.Name.Any(char.IsControl))
        {
            throw new ArgumentException("name is required: 1 to 80 characters, no control characters.", nameof(request));
        }

        ImmutableArray<string> channels = [], repositories = [], urls = [];
        switch (request.Kind)
        {
            case ConnectorKind.Slack:
                channels = Entries(request.Channels, "channels", "a Slack channel id such as C0123ABCD", static c => SlackChannel().IsMatch(c));
                Forbid(request.Repositories, "repositories", request.Kind);
                Forbid(request.AllowedUrls, "allowedUrls", request.Kind);
                break;
            case ConnectorKind.GitHub:
                repositories = Entries(request.Repositories, "repositories", "owner/name", static r => Repository().IsMatch(r) && !r.Contains("..", StringComparison.Ordinal));
                Forbid(request.Channels, "channels", request.Kind);
                Forbid(request.AllowedUrls, "allowedUrls", request.Kind);
                break;
            default:
                urls = Entries(request.AllowedUrls, "allowedUrls", "an absolute http(s) URL prefix without credentials, query or fragment", IsUrlPrefix);
                Forbid(request.Channels, "channels", request.Kind);
                Forbid(request.Repositories, "repositories", request.Kind);
                break;
        }

        if (request.AuthorizationSecret is not null
            && (request.Kind != ConnectorKind.Http
                || !SecretHandle.TryParse(request.AuthorizationSecret, out var secretName)
                || secretName.StartsWith(SecretHandle.ConnectorPrefix, StringComparison.Ordinal)))
        {
            throw new ArgumentException("authorizationSecret is a handle (secret://name) of a secret people set (not a connector's token), and only HTTP connectors take one.", nameof(request));
        }

        return (channels, repositories, urls);
    }

    private static ImmutableArray<string> Entries(ImmutableArray<string>? entries, string field, string shape, Func<string, bool> valid)
    {
        if (entries is not { IsDefaultOrEmpty: false } list)
        {
            throw new ArgumentException($"{field} is required: the connector reaches only what it names.", field);
        }

        if (list.Length > MaxScopeEntries)
        {
            throw new ArgumentException($"{field} holds at most {MaxScopeEntries} entries.", field);
        }

        foreach (var entry in list)
        {
            if (entry is null || !valid(entry))
            {
                throw new ArgumentException($"Each of {field} must be {shape}.", field);
            }
        }

        return [.. list.Distinct(StringComparer.Ordinal)];
    }

    private static void Forbid(ImmutableArray<string>? entries, string field, ConnectorKind kind)
    {
        if (entries is { IsDefaultOrEmpty: false })
        {
            throw new ArgumentException($"A {kind} connector takes no {field}.", field);
        }
    }

    private static bool IsUrlPrefix(string entry) =>
        entry.Length <= 2000
        && Uri.TryCreate(entry, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.Fragment);

    [GeneratedRegex("^[CGD][A-Z0-9]{2,20}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SlackChannel();

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Repository();
}
