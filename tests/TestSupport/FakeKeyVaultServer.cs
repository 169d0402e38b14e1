using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// Azure Key Vault's secret API and the Entra token endpoint in one HTTPS server on 127.0.0.1 (a self-signed certificate
/// made in memory; clients pin <see cref="Certificate"/>), so the real Azure SDK runs against it over real sockets.
/// </summary>
/// <remarks>
/// Speaks what <c>SecretClient</c> and <c>ClientSecretCredential</c> send: a request without a valid bearer token is
/// answered 401 with Key Vault's challenge (<c>WWW-Authenticate: Bearer authorization="…/{tenant}",
/// resource="https://vault.azure.net"</c>); <c>POST /{tenant}/oauth2/v2.0/token</c> issues an opaque token for the
/// client-credentials grant of <see cref="ClientId"/>/<see cref="ClientSecret"/>; <c>PUT /secrets/{name}</c> adds a
/// version, <c>GET /secrets/{name}[/{version}]</c> reads one (403 <c>SecretDisabled</c> when disabled, 404
/// <c>SecretNotFound</c> when absent), <c>GET /secrets/{name}/versions</c> lists them <see cref="PageSize"/> at a time
/// with <c>nextLink</c>, and <c>PATCH /secrets/{name}/{version}</c> changes attributes. Every secret call needs an
/// <c>api-version</c>. Every request is recorded.
/// </remarks>
public sealed partial class FakeKeyVaultServer : IAsyncDisposable
{
    /// <summary>How many versions one page of <c>GET /secrets/{name}/versions</c> holds, small so paging is exercised.</summary>
    public const int PageSize = 2;

    /// <summary>The resource Key Vault names in its challenge; the token's scope is this plus <c>/.default</c>.</summary>
    public const string Resource = "https://vault.azure.net";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<FakeKeyVaultSecretVersion>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedHttpRequest> _requests = new();
    private readonly TimeProvider _time;
    private WebApplication? _app;
    private int _tokensIssued;

    private FakeKeyVaultServer(TimeProvider time, X509Certificate2 certificate)
    {
        _time = time;
        Certificate = certificate;
    }

    /// <summary>The server's certificate (self-signed, for 127.0.0.1); pin it with <see cref="LoopbackCertificate.PinnedHandler"/>.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The vault's address, e.g. <c>https://127.0.0.1:43125/</c>.</summary>
    public Uri VaultUri { get; private set; } = null!;

    /// <summary>The Entra authority host (the same server): the credential appends the tenant.</summary>
    public Uri AuthorityHost => VaultUri;

    /// <summary>The only tenant the token endpoint serves, and the one the challenge names.</summary>
    public string TenantId { get; } = "00000000-0000-4000-8000-00000000fa6e";

    /// <summary>The only client the token endpoint knows.</summary>
    public string ClientId { get; } = "platform-kek-test-client";

    /// <summary>That client's secret (random per server).</summary>
    public string ClientSecret { get; } = RandomNumberGenerator.GetHexString(40, lowercase: true);

    /// <summary>Every request received so far, in arrival order (token requests included, with their form body).</summary>
    public IReadOnlyList<RecordedHttpRequest> Requests => [.. _requests];

    /// <summary>How many access tokens the token endpoint has issued.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Starts the server on 127.0.0.1 and a free port.</summary>
    public static async Task<FakeKeyVaultServer> StartAsync(TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var fake = new FakeKeyVaultServer(time, LoopbackCertificate.Create(time.GetUtcNow()));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(fake.Certificate)));
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake._app = app;
        fake.VaultUri = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The versions of <paramref name="secretName"/>, oldest first (empty when there is no such secret).</summary>
    public IReadOnlyList<FakeKeyVaultSecretVersion> Versions(string secretName)
    {
        lock (_gate)
        {
            return _secrets.TryGetValue(secretName, out var versions) ? [.. versions] : [];
        }
    }

    /// <summary>Enables or disables a version behind the client's back, as an operator in the portal would.</summary>
    public void SetEnabled(string secretName, string version, bool enabled)
    {
        lock (_gate)
        {
            var versions = _secrets[secretName];
            var index = versions.FindIndex(v => v.Version == version);
            versions[index] = versions[index].With(enabled, versions[index].ContentType, versions[index].Tags, _time.GetUtcNow());
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Certificate.Dispose();
    }

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex SecretNamePattern();

    private static long Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds();

    private static Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message, string? innerCode = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (innerCode is not null)
        {
            error["innererror"] = new JsonObject { ["code"] = innerCode };
        }

        return WriteAsync(context, status, new JsonObject { ["error"] = error });
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToImmutableDictionary(static h => h.Key.ToLowerInvariant(), static h => h.Value.ToString());
        _requests.Enqueue(new RecordedHttpRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body));

        var segments = (context.Request.Path.Value ?? "/").Trim('/').Split('/');
        if (HttpMethods.IsPost(context.Request.Method) && segments is [var tenant, "oauth2", "v2.0", "token"])
        {
            await TokenAsync(context, tenant, body);
            return;
        }

        if (segments is not ["secrets", var name, ..] || segments.Length > 3)
        {
            await ErrorAsync(context, 404, "NotFound", "No such endpoint.");
            return;
        }

        var apiVersion = context.Request.Query["api-version"].ToString();
        if (string.IsNullOrEmpty(apiVersion))
        {
            await ErrorAsync(context, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
            return;
        }

        if (!Authorized(context))
        {
            // Key Vault's challenge: where to get a token (authority with tenant) and for what (resource).
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"{new Uri(AuthorityHost, TenantId)}\", resource=\"{Resource}\"";
            await ErrorAsync(context, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
            return;
        }

        if (!SecretNamePattern().IsMatch(name))
        {
            await ErrorAsync(context, 400, "BadParameter", "The secret name is invalid.");
            return;
        }

        switch (context.Request.Method, segments)
        {
            case ("PUT", [_, _]):
                await SetAsync(context, name, body);
                break;
            case ("GET", [_, _]):
                await GetAsync(context, name, version: null);
                break;
            case ("GET", [_, _, "versions"]):
                await ListAsync(context, name, apiVersion);
                break;
            case ("GET", [_, _, var version]):
                await GetAsync(context, name, version);
                break;
            case ("PATCH", [_, _, var version]):
                await UpdateAsync(context, name, version, body);
                break;
            default:
                await ErrorAsync(context, 405, "MethodNotAllowed", "The method is not allowed here.");
                break;
        }
    }

    private bool Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.ContainsKey(header["Bearer ".Length..]);
    }

    private Task TokenAsync(HttpContext context, string tenant, string body)
    {
        var form = QueryHelpers.ParseQuery(body);
        if (tenant != TenantId)
        {
            return WriteAsync(context, 400, new JsonObject { ["error"] = "invalid_request", ["error_description"] = $"AADSTS90002: Tenant '{tenant}' not found." });
        }

        if (form["grant_type"] != "client_credentials" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            // Entra's answer names the problem, never the secret that was sent.
            return WriteAsync(context, 401, new JsonObject
            {
                ["error"] = "invalid_client",
                ["error_description"] = "AADSTS7000215: Invalid client secret provided.",
                ["error_codes"] = new JsonArray(7000215),
            });
        }

        if (form["scope"] != Resource + "/.default")
        {
            return WriteAsync(context, 400, new JsonObject { ["error"] = "invalid_scope", ["error_description"] = "AADSTS70011: The provided scope is not valid." });
        }

        var token = "fake-kv-" + RandomNumberGenerator.GetHexString(48, lowercase: true);
        _tokens[token] = true;
        Interlocked.Increment(ref _tokensIssued);
        return WriteAsync(context, 200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = 3599,
            ["ext_expires_in"] = 3599,
            ["access_token"] = token,
        });
    }

    private Task SetAsync(HttpContext context, string name, string body)
    {
        var request = string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body) as JsonObject;
        if (request?["value"]?.GetValue<string>() is not { } value)
        {
            return ErrorAsync(context, 400, "BadParameter", "Property 'value' is required.");
        }

        var now = DateTimeOffset.FromUnixTimeSeconds(Seconds(_time.GetUtcNow()));
        var added = new FakeKeyVaultSecretVersion(
            RandomNumberGenerator.GetHexString(32, lowercase: true),
            value,
            request["contentType"]?.GetValue<string>(),
            request["attributes"]?["enabled"]?.GetValue<bool>() ?? true,
            now,
            now,
            Tags(request["tags"]) ?? ImmutableDictionary<string, string>.Empty);
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var versions))
            {
                _secrets[name] = versions = [];
            }

            versions.Add(added);
        }

        return WriteAsync(context, 200, Bundle(name, added, withValue: true));
    }

    private Task GetAsync(HttpContext context, string name, string? version)
    {
        FakeKeyVaultSecretVersion? found;
        lock (_gate)
        {
            found = _secrets.TryGetValue(name, out var versions)
                ? version is null ? versions.LastOrDefault() : versions.Find(v => v.Version == version)
                : null;
        }

        if (found is null)
        {
            return ErrorAsync(context, 404, "SecretNotFound", $"A secret with (name/id) {name}{(version is null ? "" : "/" + version)} was not found in this key vault.");
        }

        return found.Enabled
            ? WriteAsync(context, 200, Bundle(name, found, withValue: true))
            : ErrorAsync(context, 403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
    }

    private Task ListAsync(HttpContext context, string name, string apiVersion)
    {
        var skip = int.TryParse(context.Request.Query["$skiptoken"], out var token) ? token : 0;
        List<FakeKeyVaultSecretVersion> page;
        bool more;
        lock (_gate)
        {
            var versions = _secrets.GetValueOrDefault(name) ?? [];
            page = [.. versions.Skip(skip).Take(PageSize)];
            more = versions.Count > skip + PageSize;
        }

        var items = new JsonArray();
        foreach (var version in page)
        {
            items.Add(Bundle(name, version, withValue: false));
        }

        var result = new JsonObject { ["value"] = items, ["nextLink"] = null };
        if (more)
        {
            result["nextLink"] = new Uri(VaultUri, $"secrets/{name}/versions?api-version={apiVersion}&$skiptoken={skip + PageSize}").AbsoluteUri;
        }

        return WriteAsync(context, 200, result);
    }

    private Task UpdateAsync(HttpContext context, string name, string version, string body)
    {
        var request = string.IsNullOrEmpty(body) ? new JsonObject() : JsonNode.Parse(body) as JsonObject ?? [];
        FakeKeyVaultSecretVersion? updated = null;
        lock (_gate)
        {
            if (_secrets.TryGetValue(name, out var versions) && versions.FindIndex(v => v.Version == version) is var index and >= 0)
            {
                var old = versions[index];
                updated = old.With(
                    request["attributes"]?["enabled"]?.GetValue<bool>() ?? old.Enabled,
                    request["contentType"]?.GetValue<string>() ?? old.ContentType,
                    Tags(request["tags"]) ?? old.Tags,
                    DateTimeOffset.FromUnixTimeSeconds(Seconds(_time.GetUtcNow())));
                versions[index] = updated;
            }
        }

        return updated is null
            ? ErrorAsync(context, 404, "SecretNotFound", $"A secret with (name/id) {name}/{version} was not found in this key vault.")
            : WriteAsync(context, 200, Bundle(name, updated, withValue: false));
    }

    private static ImmutableDictionary<string, string>? Tags(JsonNode? node) =>
        node is JsonObject tags ? tags.ToImmutableDictionary(t => t.Key, t => t.Value?.GetValue<string>() ?? string.Empty) : null;

    private JsonObject Bundle(string name, FakeKeyVaultSecretVersion version, bool withValue)
    {
        var bundle = new JsonObject();
        if (withValue)
        {
            bundle["value"] = version.Value;
        }

        bundle["id"] = new Uri(VaultUri, $"secrets/{name}/{version.Version}").AbsoluteUri;
        if (version.ContentType is not null)
        {
            bundle["contentType"] = version.ContentType;
        }

        bundle["attributes"] = new JsonObject
        {
            ["enabled"] = version.Enabled,
            ["created"] = Seconds(version.Created),
            ["updated"] = Seconds(version.Updated),
            ["recoveryLevel"] = "Recoverable+Purgeable",
            ["recoverableDays"] = 90,
        };
        bundle["tags"] = new JsonObject(version.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value))));
        return bundle;
    }
}
