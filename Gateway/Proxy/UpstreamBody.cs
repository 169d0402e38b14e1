using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Gateway.Proxy;

/// <summary>
/// The body sent to the model provider: the client's, plus what makes the reservation a true worst case and the
/// settlement exact. A request without an output limit gets the model's (<c>max_completion_tokens</c>), so the provider
/// cannot produce more than was reserved; a streaming request asks for the usage chunk, so the stream settles at the
/// provider's count. Both are spliced in after the opening brace, which costs no re-serialisation. A client names the
/// catalogue id; when the entry's upstream model name differs, the body is rewritten to carry the upstream name.
/// </summary>
internal static class UpstreamBody
{
    public static ReadOnlyMemory<byte> Prepare(ChatRequest request, int modelOutputCap, string upstreamModel)
    {
        var addLimit = request.MaxOutputTokens is null;
        var askUsage = request.Stream && !request.ClientWantsUsage;
        var renameModel = !string.Equals(request.Model, upstreamModel, StringComparison.Ordinal);
        if (!addLimit && !askUsage && !renameModel)
        {
            return request.Body;
        }

        // Decided from the parsed document, not the bytes: a key may be written with escapes ("max\u005f…").
        var rewrite = renameModel || (askUsage && request.HasStreamOptions) || (addLimit && request.HasLimitField);
        return rewrite ? Rewrite(request, addLimit, askUsage, modelOutputCap, upstreamModel) : Splice(request.Body, addLimit, askUsage, modelOutputCap);
    }

    private static byte[] Splice(ReadOnlyMemory<byte> body, bool addLimit, bool askUsage, int cap)
    {
        var insert = new StringBuilder();
        if (addLimit)
        {
            insert.Append("\"max_completion_tokens\":").Append(cap).Append(',');
        }

        if (askUsage)
        {
            insert.Append("\"stream_options\":{\"include_usage\":true},");
        }

        var added = Encoding.UTF8.GetBytes(insert.ToString());
        var open = body.Span.IndexOf((byte)'{') + 1;
        var result = new byte[body.Length + added.Length];
        body.Span[..open].CopyTo(result);
        added.CopyTo(result.AsSpan(open));
        body.Span[open..].CopyTo(result.AsSpan(open + added.Length));
        return result;
    }

    private static byte[] Rewrite(ChatRequest request, bool addLimit, bool askUsage, int cap, string upstreamModel)
    {
        // Rare (a null or partial stream_options, a null limit, a catalogue id other than the upstream name): parse and
        // write it back rather than splice a duplicate key.
        var root = JsonNode.Parse(request.Body.Span)!.AsObject();
        root["model"] = upstreamModel;
        if (addLimit)
        {
            root["max_completion_tokens"] = cap;
        }

        if (askUsage)
        {
            var options = root["stream_options"] as JsonObject ?? [];
            options["include_usage"] = true;
            root["stream_options"] = options;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
