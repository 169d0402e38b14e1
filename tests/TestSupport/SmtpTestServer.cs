using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Testing;

/// <summary>
/// An SMTP listener on 127.0.0.1 and a free port that speaks enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
/// QUIT) to accept mail, and records each accepted message before it answers the final 250, so a sender that got its
/// 250 can assert on <see cref="Messages"/> at once.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<SmtpTestMessage> _messages = new();
    private readonly Task _accepting;

    public SmtpTestServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port to send to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every accepted message, in order.</summary>
    public IReadOnlyList<SmtpTestMessage> Messages => [.. _messages];

    /// <summary>When set, RCPT TO for this address is refused with 550.</summary>
    public string? RefuseRecipient { get; set; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client), _stop.Token);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
                async Task Reply(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), _stop.Token);

                await Reply("220 smtp-test ESMTP ready");
                string? from = null;
                var recipients = ImmutableArray.CreateBuilder<string>();
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await Reply("250-smtp-test greets you");
                            await Reply("250 SIZE 10485760");
                            break;
                        case "HELO":
                        case "NOOP":
                            await Reply("250 OK");
                            break;
                        case "RSET":
                            from = null;
                            recipients.Clear();
                            await Reply("250 OK");
                            break;
                        case "MAIL":
                            from = Address(line);
                            await Reply("250 OK");
                            break;
                        case "RCPT":
                            var recipient = Address(line);
                            if (string.Equals(recipient, RefuseRecipient, StringComparison.OrdinalIgnoreCase))
                            {
                                await Reply("550 No such user");
                                break;
                            }

                            recipients.Add(recipient);
                            await Reply("250 OK");
                            break;
                        case "DATA" when from is not null && recipients.Count > 0:
                            await Reply("354 End data with <CR><LF>.<CR><LF>");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            {
                                data.Append(dataLine.StartsWith('.') ? dataLine[1..] : dataLine).Append("\r\n");
                            }

                            _messages.Enqueue(new SmtpTestMessage(from, recipients.ToImmutable(), data.ToString().TrimEnd('\r', '\n')));
                            from = null;
                            recipients.Clear();
                            await Reply("250 OK queued");
                            break;
                        case "DATA":
                            await Reply("503 Bad sequence of commands");
                            break;
                        case "QUIT":
                            await Reply("221 Bye");
                            return;
                        default:
                            await Reply("502 Command not implemented");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : "";
    }
}
