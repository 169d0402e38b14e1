using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Grains.Tools;

/// <summary>
/// A minimal SMTP client (RFC 5321: EHLO, MAIL FROM, RCPT TO, DATA, QUIT) for one plain-text mail to one recipient.
/// Written here rather than <c>System.Net.Mail.SmtpClient</c> so the Message-ID, the only retry de-duplication SMTP
/// offers, is ours (derived from the idempotency key), and so cancellation and the timeout reach every read.
/// </summary>
public sealed class SmtpMailSender(IOptions<SmtpOptions> options, TimeProvider time)
{
    private const int MaxReplyLines = 100;

    /// <summary>
    /// Delivers one mail; throws <see cref="MailRelayException"/>, saying in safe words why, when the relay cannot be
    /// reached, does not answer in time or refuses it. Only the caller's own cancellation propagates as such.
    /// </summary>
    public async Task SendAsync(string to, string subject, string body, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        if (!ToolSchemaValidator.IsEmail(to))
        {
            throw new ArgumentException("The recipient is not a plain email address.", nameof(to));
        }

        // The catalog refuses these already; a header must never be able to start a second header.
        if (subject.Contains('\r', StringComparison.Ordinal) || subject.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("The subject must be one line.", nameof(subject));
        }

        var settings = options.Value;
        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var relay = string.Create(CultureInfo.InvariantCulture, $"{settings.Host}:{settings.Port}");
        try
        {
            await DeliverAsync(settings, to, subject, body, idempotencyKey, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            throw new MailRelayException(string.Create(CultureInfo.InvariantCulture, $"the mail relay {relay} did not finish within {settings.Timeout.TotalSeconds:0.#} seconds"), e);
        }
        catch (SmtpCommandException e)
        {
            throw new MailRelayException($"the mail relay {relay} {e.Message}", e);
        }
        catch (SocketException e)
        {
            throw new MailRelayException(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"the mail relay {relay} refused the connection",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"the mail relay's host {settings.Host} could not be resolved",
                SocketError.TimedOut => $"the mail relay {relay} did not answer the connection",
                SocketError.ConnectionReset or SocketError.ConnectionAborted => $"the mail relay {relay} dropped the connection",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => $"the mail relay {relay} is unreachable from this server",
                _ => $"the mail relay {relay} could not be reached",
            }, e);
        }
        catch (IOException e)
        {
            throw new MailRelayException($"the mail relay {relay} dropped the connection", e);
        }
    }

    private async Task DeliverAsync(SmtpOptions settings, string to, string subject, string body, string idempotencyKey, CancellationToken token)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(settings.Host, settings.Port, token);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, detectEncodingFromByteOrderMarks: false, leaveOpen: true);

        await ExpectAsync(reader, "greeting", 220, token);
        await CommandAsync(stream, reader, $"EHLO {settings.HeloName}", "EHLO", 250, token);
        await CommandAsync(stream, reader, $"MAIL FROM:<{settings.From}>", "MAIL FROM", 250, token);
        await CommandAsync(stream, reader, $"RCPT TO:<{to}>", "RCPT TO", 250, token, alsoAccept: 251);
        await CommandAsync(stream, reader, "DATA", "DATA", 354, token);
        var message = Compose(settings, to, subject, body, idempotencyKey);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(DotStuff(message) + "\r\n.\r\n"), token);
        await ExpectAsync(reader, "message", 250, token);
        try
        {
            await CommandAsync(stream, reader, "QUIT", "QUIT", 221, token);
        }
        catch (Exception e) when (e is SmtpCommandException or IOException)
        {
            // The mail was accepted at the final 250; a server that drops the connection on QUIT changes nothing.
        }
    }

    /// <summary>The Message-ID for an idempotency key: a retry of the same tool call carries the same id, so receivers can drop the duplicate.</summary>
    public static string MessageId(string idempotencyKey, string from)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
        return $"<{hash}@{from[(from.IndexOf('@', StringComparison.Ordinal) + 1)..]}>";
    }

    private string Compose(SmtpOptions settings, string to, string subject, string body, string idempotencyKey)
    {
        var builder = new StringBuilder();
        builder.Append("From: ").Append(settings.From).Append("\r\n");
        builder.Append("To: ").Append(to).Append("\r\n");
        builder.Append("Subject: ").Append(EncodeHeader(subject)).Append("\r\n");
        builder.Append("Date: ").Append(time.GetUtcNow().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)).Append("\r\n");
        builder.Append("Message-ID: ").Append(MessageId(idempotencyKey, settings.From)).Append("\r\n");
        builder.Append("MIME-Version: 1.0\r\n");
        builder.Append("Content-Type: text/plain; charset=utf-8\r\n");
        // Base64 keeps any body 7-bit and line-length safe without depending on the server's 8BITMIME.
        builder.Append("Content-Transfer-Encoding: base64\r\n\r\n");
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(body.ReplaceLineEndings("\r\n")));
        for (var i = 0; i < encoded.Length; i += 76)
        {
            builder.Append(encoded.AsSpan(i, Math.Min(76, encoded.Length - i))).Append("\r\n");
        }

        return builder.ToString().TrimEnd('\r', '\n');
    }

    // RFC 2047 encoded words for non-ASCII subjects; each stays under the 75-character limit and whole code points.
    private static string EncodeHeader(string value)
    {
        if (value.All(static c => c is >= ' ' and <= '~'))
        {
            return value;
        }

        var words = new List<string>();
        var start = 0;
        while (start < value.Length)
        {
            var length = Math.Min(12, value.Length - start);
            if (char.IsHighSurrogate(value[start + length - 1]) && start + length < value.Length)
            {
                length++;
            }

            words.Add($"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value.Substring(start, length)))}?=");
            start += length;
        }

        return string.Join("\r\n ", words);
    }

    private static string DotStuff(string message) =>
        string.Join("\r\n", message.Split("\r\n").Select(static line => line.StartsWith('.') ? "." + line : line));

    private static async Task CommandAsync(NetworkStream stream, StreamReader reader, string line, string name, int expected, CancellationToken token, int? alsoAccept = null)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), token);
        await ExpectAsync(reader, name, expected, token, alsoAccept);
    }

    private static async Task ExpectAsync(StreamReader reader, string name, int expected, CancellationToken token, int? alsoAccept = null)
    {
        for (var lines = 0; lines < MaxReplyLines; lines++)
        {
            var reply = await reader.ReadLineAsync(token) ?? throw new SmtpCommandException($"closed the connection before answering {name}");
            if (reply.Length < 3 || !int.TryParse(reply.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                throw new SmtpCommandException($"answered {name} with something that is not an SMTP reply");
            }

            if (reply.Length > 3 && reply[3] == '-')
            {
                continue;
            }

            if (code != expected && code != alsoAccept)
            {
                throw new SmtpCommandException($"refused {name} with code {code}");
            }

            return;
        }

        throw new SmtpCommandException($"answered {name} with more than {MaxReplyLines} lines");
    }
}
