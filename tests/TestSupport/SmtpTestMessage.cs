using System.Collections.Immutable;
using System.Text;

namespace Platform.Testing;

/// <summary>A mail the SMTP test server accepted.</summary>
/// <param name="From">The MAIL FROM address.</param>
/// <param name="Recipients">The RCPT TO addresses.</param>
/// <param name="Data">The DATA section as received (dot-stuffing removed), headers and body.</param>
public sealed record SmtpTestMessage(string From, ImmutableArray<string> Recipients, string Data)
{
    /// <summary>The first header of that name (unfolded), or null.</summary>
    public string? Header(string name)
    {
        var head = Data.Split("\r\n\r\n", 2)[0].Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal);
        return head.Split("\r\n")
            .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(name.Length + 1)..].Trim())
            .FirstOrDefault();
    }

    /// <summary>The body, decoded when its transfer encoding is base64.</summary>
    public string Body
    {
        get
        {
            var parts = Data.Split("\r\n\r\n", 2);
            var body = parts.Length > 1 ? parts[1] : "";
            return string.Equals(Header("Content-Transfer-Encoding"), "base64", StringComparison.OrdinalIgnoreCase)
                ? Encoding.UTF8.GetString(Convert.FromBase64String(body.Replace("\r\n", "", StringComparison.Ordinal)))
                : body;
        }
    }
}
