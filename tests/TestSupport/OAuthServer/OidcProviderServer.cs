using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// A real OAuth 2.0 / OpenID Connect server (npm <c>oidc-provider</c>, run by <c>tests/TestSupport/oidc/provider.mjs</c>)
/// on 127.0.0.1 and a free port, with one confidential client. It requires PKCE S256, issues refresh tokens, and has
/// revocation and introspection; its user logs in and consents by itself, so <see cref="AuthorizeAsBrowserAsync"/> can
/// play the browser. Disposing kills the node process.
/// </summary>
public sealed class OidcProviderServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _stderr;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly OidcProviderSettings _settings;

    private OidcProviderServer(Process process, StringBuilder stderr, OidcProviderSettings settings, Uri issuer)
    {
        _process = process;
        _stderr = stderr;
        _settings = settings;
        Issuer = issuer;
    }

    /// <summary>The issuer, <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri Issuer { get; }

    /// <summary>From discovery.</summary>
    public Uri AuthorizationEndpoint { get; private set; } = null!;

    /// <summary>From discovery.</summary>
    public Uri TokenEndpoint { get; private set; } = null!;

    /// <summary>From discovery (RFC 7009).</summary>
    public Uri RevocationEndpoint { get; private set; } = null!;

    /// <summary>From discovery (RFC 7662).</summary>
    public Uri IntrospectionEndpoint { get; private set; } = null!;

    /// <summary>The registered client's id.</summary>
    public string ClientId => _settings.ClientId;

    /// <summary>The registered client's secret.</summary>
    public string ClientSecret => _settings.ClientSecret;

    /// <summary>The registered redirect URIs.</summary>
    public IReadOnlyList<Uri> RedirectUris => _settings.RedirectUris;

    /// <summary>What the server wrote to stderr so far, for failure messages.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Installs the npm packages if needed, starts the server and reads its discovery document. Fails with the server's
    /// stderr when it does not report ready within <see cref="OidcProviderSettings.StartTimeout"/>.
    /// </summary>
    public static async Task<OidcProviderServer> StartAsync(OidcProviderSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.StartTimeout);
        var folder = await OidcProviderInstall.EnsureInstalledAsync(settings.StartTimeout, deadline.Token);

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("provider.mjs");
        start.ArgumentList.Add("--port=0");
        start.ArgumentList.Add("--exit-on-stdin-close");
        start.ArgumentList.Add("--client-id=" + settings.ClientId);
        foreach (var uri in settings.RedirectUris)
        {
            start.ArgumentList.Add("--redirect-uri=" + uri.AbsoluteUri);
        }

        start.ArgumentList.Add("--scope=" + string.Join(' ', settings.Scopes));
        start.ArgumentList.Add("--access-token-ttl=" + ((long)settings.AccessTokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture));

        // Not an argument: arguments are visible to every user in the process list.
        start.Environment["OIDC_CLIENT_SECRET"] = settings.ClientSecret;

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        OidcProviderServer? server = null;
        try
        {
            var issuer = await ReadIssuerAsync(process, stderr, settings.StartTimeout, deadline.Token);
            server = new OidcProviderServer(process, stderr, settings, issuer);
            await server.DiscoverAsync(deadline.Token);
            return server;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            else
            {
                await StopAsync(process);
            }

            throw;
        }
    }

    /// <summary>
    /// Plays the user's browser, with fresh cookies (no earlier login or consent): requests
    /// <paramref name="authorizationUrl"/> and follows the server's redirects through its login and consent
    /// interactions until it redirects to one of the client's redirect URIs, and returns that URI without requesting
    /// it. It carries <c>code</c> and <c>state</c>, or <c>error</c> (<c>access_denied</c> when
    /// <paramref name="consent"/> is <see langword="false"/>, the user refusing).
    /// </summary>
    public async Task<Uri> AuthorizeAsBrowserAsync(Uri authorizationUrl, bool consent = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorizationUrl);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });
        var url = authorizationUrl;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(url, cancellationToken);
            if ((int)response.StatusCode is < 300 or > 399 || response.Headers.Location is null)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new InvalidOperationException($"GET {url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} instead of a redirect: {body}");
            }

            var next = new Uri(url, response.Headers.Location);
            if (RedirectUris.Any(r => string.Equals(r.GetLeftPart(UriPartial.Path), next.GetLeftPart(UriPartial.Path), StringComparison.Ordinal)))
            {
                return next;
            }

            if (!consent && next.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal))
            {
                next = new UriBuilder(next) { Query = "deny=1" }.Uri;
            }

            url = next;
        }

        throw new InvalidOperationException($"The authorization flow did not reach a redirect URI within 10 redirects (last: {url.GetLeftPart(UriPartial.Path)}).");
    }

    /// <summary>Whether the server still considers <paramref name="token"/> (access or refresh) active (RFC 7662).</summary>
    public async Task<bool> IsActiveAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, IntrospectionEndpoint)
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        var credentials = WebUtility.UrlEncode(ClientId) + ":" + WebUtility.UrlEncode(ClientSecret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.TryGetProperty("active", out var active) && active.ValueKind == JsonValueKind.True;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await StopAsync(_process);
    }

    private static async Task<Uri> ReadIssuerAsync(Process process, StringBuilder stderr, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"oidc-provider did not report ready within {timeout}. Its stderr:\n{Snapshot(stderr)}");
        }

        if (line is null)
        {
            await process.WaitForExitAsync(cancellationToken);
            throw new InvalidOperationException($"oidc-provider exited with code {process.ExitCode} before it was ready. Its stderr:\n{Snapshot(stderr)}");
        }

        using var ready = JsonDocument.Parse(line);
        return new Uri(ready.RootElement.GetProperty("issuer").GetString()!);
    }

    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        var json = await _http.GetStringAsync(new Uri(Issuer, "/.well-known/openid-configuration"), cancellationToken);
        using var discovery = JsonDocument.Parse(json);
        Uri Endpoint(string name) => new(discovery.RootElement.GetProperty(name).GetString()!);
        AuthorizationEndpoint = Endpoint("authorization_endpoint");
        TokenEndpoint = Endpoint("token_endpoint");
        RevocationEndpoint = Endpoint("revocation_endpoint");
        IntrospectionEndpoint = Endpoint("introspection_endpoint");
    }

    private static async Task StopAsync(Process process)
    {
        using (process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(StopTimeout);
                await process.WaitForExitAsync(timeout.Token);
            }
        }
    }

    private static string Snapshot(StringBuilder stderr)
    {
        lock (stderr)
        {
            return stderr.ToString();
        }
    }
}
