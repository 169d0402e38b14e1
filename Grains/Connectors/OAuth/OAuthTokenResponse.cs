using System.Globalization;
using System.Text.Json;

namespace Platform.Grains.Connectors.OAuth;

/// <summary>
/// Reads a token endpoint's answer (RFC 6749 5.1 and 5.2) into <see cref="OAuthTokens"/> or an
/// <see cref="OAuthProtocolException"/>, reading at most <see cref="MaxBytes"/> so a broken or hostile provider cannot
/// make the platform buffer without bound.
/// </summary>
internal static class OAuthTokenResponse
{
    /// <summary>Token responses are a few kilobytes even with an ID token; this leaves a wide margin.</summary>
    public const int MaxBytes = 256 * 1024;

    private const int MaxDescriptionLength = 200;

    /// <summary>The tokens in a successful response; otherwise throws <see cref="OAuthProtocolException"/>.</summary>
    public static async Task<OAuthTokens> ReadAsync(HttpResponseMessage response, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        var body = await ReadBoundedAsync(response, cancellationToken);
        using var document = TryParse(body) ?? throw Invalid(response, "the body is not a JSON object");
        var root = document.RootElement;

        // Some providers (GitHub) answer a refused exchange with 200 and an error object.
        if (!response.IsSuccessStatusCode || (root.TryGetProperty("error", out _) && !root.TryGetProperty("access_token", out _)))
        {
            throw ErrorFrom(response, root);
        }

        var accessToken = GetString(root, "access_token");
        var tokenType = GetString(root, "token_type");
        if (string.IsNullOrEmpty(accessToken) || string.IsNullOrEmpty(tokenType))
        {
            throw Invalid(response, "access_token or token_type is missing");
        }

        DateTimeOffset? expiresAt = null;
        if (root.TryGetProperty("expires_in", out var expiresIn) && expiresIn.ValueKind != JsonValueKind.Null)
        {
            expiresAt = requestedAt.AddSeconds(ReadSeconds(expiresIn) ?? throw Invalid(response, "expires_in is not a positive number of seconds"));
        }

        return new OAuthTokens(accessToken, tokenType, NullIfEmpty(GetString(root, "refresh_token")), expiresAt, NullIfEmpty(GetString(root, "scope")));
    }

    /// <summary>The error in a refused request (revocation, RFC 7009 2.2.1, uses the same shape); never throws itself.</summary>
    public static async Task<OAuthProtocolException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await ReadBoundedAsync(response, cancellationToken);
            using var document = TryParse(body);
            return document is null ? Invalid(response, "the body is not a JSON object") : ErrorFrom(response, document.RootElement);
        }
        catch (OAuthProtocolException e)
        {
            return e;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxBytes)
        {
            throw Invalid(response, "the body is too large");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        if (length > MaxBytes)
        {
            throw Invalid(response, "the body is too large");
        }

        return buffer[..length];
    }

    private static JsonDocument? TryParse(byte[] body)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static OAuthProtocolException ErrorFrom(HttpResponseMessage response, JsonElement root)
    {
        var error = GetString(root, "error");
        if (string.IsNullOrEmpty(error) || error.Length > 64 || !IsErrorText(error))
        {
            return Invalid(response, "the error response has no valid error code");
        }

        var description = GetString(root, "error_description");
        if (description is not null)
        {
            description = new string([.. description.Where(IsErrorChar).Take(MaxDescriptionLength)]);
        }

        return new OAuthProtocolException(error, description, response.StatusCode,
            $"The OAuth provider at {Host(response)} refused the request ({(int)response.StatusCode}): {error}.");
    }

    private static OAuthProtocolException Invalid(HttpResponseMessage response, string why) =>
        new(OAuthProtocolException.InvalidResponse, null, response.StatusCode,
            $"The OAuth provider at {Host(response)} answered {(int)response.StatusCode} with an invalid token response: {why}.");

    private static string Host(HttpResponseMessage response) => response.RequestMessage?.RequestUri?.Authority ?? "(unknown)";

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static double? ReadSeconds(JsonElement value)
    {
        // RFC 6749 says a number; some providers send a string.
        long seconds;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out seconds),
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds),
            _ => (seconds = 0) != 0,
        };
        return parsed && seconds > 0 && seconds <= TimeSpan.FromDays(3650).TotalSeconds ? seconds : null;
    }

    /// <summary>RFC 6749 5.2: error and error_description are %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash).</summary>
    private static bool IsErrorChar(char c) => c is >= '\x20' and <= '\x7E' and not '"' and not '\\';

    private static bool IsErrorText(string text) => text.All(IsErrorChar);
}
