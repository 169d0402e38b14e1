using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace Platform.Gateway.Proxy;

/// <summary>
/// Relays a provider's server-sent events to the client as they arrive, reading the usage chunk on the way. The
/// proxy asked for that chunk (<see cref="UpstreamBody"/>); a client that did not ask does not get it, as OpenAI would
/// not send it. If the client goes, the provider's stream is dropped at once, so nothing more is produced, and the call
/// is charged for what came until then.
/// </summary>
internal sealed class StreamRelay(ILogger<StreamRelay> logger)
{
    /// <summary>The longest event line relayed; a chunk of a real provider is a few hundred bytes.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    private static readonly byte[] DataPrefix = "data:"u8.ToArray();
    private static readonly byte[] Done = "[DONE]"u8.ToArray();

    public async Task RelayAsync(HttpContext context, ProxyCall call, HttpResponseMessage response)
    {
        var client = context.Response;
        client.StatusCode = StatusCodes.Status200OK;
        client.ContentType = "text/event-stream";
        client.Headers.CacheControl = "no-cache";
        client.Headers["X-Accel-Buffering"] = "no";
        var aborted = context.RequestAborted;
        PipeReader source;
        try
        {
            await client.StartAsync(aborted);
            source = PipeReader.Create(await response.Content.ReadAsStreamAsync(aborted), new StreamPipeReaderOptions(leaveOpen: false));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            call.Outcome = CallOutcome.ClientDisconnected;
            return;
        }

        try
        {
            while (true)
            {
                ReadResult read;
                try
                {
                    read = await source.ReadAsync(aborted);
                }
                catch (OperationCanceledException) when (aborted.IsCancellationRequested)
                {
                    call.Outcome = CallOutcome.ClientDisconnected;
                    return;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
                {
                    await BrokenAsync(context, call, ex);
                    return;
                }

                var buffer = read.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (!await HandleLineAsync(context, call, line))
                    {
                        call.Outcome = CallOutcome.ClientDisconnected;
                        return;
                    }
                }

                if (buffer.Length > MaxLineBytes)
                {
                    // A provider that never ends a line would grow this buffer without bound.
                    await BrokenAsync(context, call, new InvalidDataException($"The provider sent a line of more than {MaxLineBytes} bytes."));
                    return;
                }

                if (read.IsCompleted)
                {
                    // A last line without its newline still counts (a provider may end on "data: [DONE]" alone).
                    if (buffer.Length > 0 && !await HandleLineAsync(context, call, buffer))
                    {
                        call.Outcome = CallOutcome.ClientDisconnected;
                    }

                    source.AdvanceTo(buffer.End);
                    return;
                }

                source.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await source.CompleteAsync();
        }
    }

    /// <summary>Ends a relayed stream the way the provider ended it.</summary>
    public static async Task WriteDoneAsync(HttpContext context)
    {
        try
        {
            context.Response.BodyWriter.Write("data: [DONE]\n\n"u8);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client left at the last moment; the call is settled already.
        }
    }

    private async Task BrokenAsync(HttpContext context, ProxyCall call, Exception exception)
    {
        call.Outcome = CallOutcome.UpstreamFailedMidway;
        ProxyLog.StreamBroken(logger, call.WorkspaceId, call.ProducedBytes, exception);
        try
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status502BadGateway, OpenAiError.Upstream, "The model provider's stream broke off.", code: "upstream_failed");
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client is gone too; the charge is settled all the same.
        }
    }

    /// <summary>Handles one line of the provider's stream; false when the client has gone.</summary>
    private static async ValueTask<bool> HandleLineAsync(HttpContext context, ProxyCall call, ReadOnlySequence<byte> sequence)
    {
        var line = sequence.IsSingleSegment ? sequence.FirstSpan.ToArray() : sequence.ToArray();
        if (line.Length > 0 && line[0] == (byte)':')
        {
            // A comment is a provider's keep-alive during a long pause (a reasoning model thinking): pass it on, so
            // proxies in front of the client do not cut an idle-looking stream.
            return await WriteAsync(context, line, "\n\n"u8.ToArray());
        }

        if (!line.AsSpan().StartsWith(DataPrefix))
        {
            // Blank separators and other fields: the relay writes whole events itself.
            return true;
        }

        var data = line.AsSpan(DataPrefix.Length).TrimStart((byte)' ');
        if (data.SequenceEqual(Done))
        {
            // Held back: the client hears the stream is over only once the call is on the books (ChatProxy).
            call.DoneSeen = true;
            return true;
        }

        if (Inspect(call, data))
        {
            return true;
        }

        return await WriteAsync(context, [.. "data: "u8, .. data], "\n\n"u8.ToArray());
    }

    /// <summary>Writes one event and flushes it; false when the client has gone.</summary>
    private static async ValueTask<bool> WriteAsync(HttpContext context, byte[] line, byte[] end)
    {
        try
        {
            var output = context.Response.BodyWriter;
            output.Write(line);
            output.Write(end);
            var flushed = await output.FlushAsync(context.RequestAborted);
            return !flushed.IsCanceled && !flushed.IsCompleted;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Reads usage and produced text from a chunk; true when the chunk is the usage chunk the client did not ask for.</summary>
    private static bool Inspect(ProxyCall call, ReadOnlySpan<byte> chunk)
    {
        if (ReportedUsage.TryRead(chunk, out var usage, out var noChoices))
        {
            call.Usage = usage;
            if (noChoices && !call.Request.ClientWantsUsage)
            {
                return true;
            }
        }

        call.ProducedBytes += ProducedBytes(chunk);
        return false;
    }

    /// <summary>The UTF-8 length of the text a chunk adds: content, refusals and tool-call arguments of every choice.</summary>
    private static long ProducedBytes(ReadOnlySpan<byte> chunk)
    {
        long produced = 0;
        var reader = new Utf8JsonReader(chunk);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName
                    && (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("refusal"u8) || reader.ValueTextEquals("arguments"u8)))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        produced += reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A malformed chunk is relayed as it is; the provider's count, or the reservation, settles the call.
        }

        return produced;
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var end = buffer.PositionOf((byte)'\n');
        if (end is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end.Value);
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }

        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        return true;
    }
}
