namespace Platform.Gateway.Proxy;

/// <summary>
/// What the proxy needs to know of a chat completion request; the body itself is forwarded as the client sent it,
/// with only the fields the budget depends on added (<see cref="UpstreamBody"/>).
/// </summary>
/// <param name="Body">The request body as received.</param>
/// <param name="Model">The model asked for.</param>
/// <param name="Stream">Whether the client asked for server-sent events.</param>
/// <param name="ClientWantsUsage">Whether a streaming client asked for the usage chunk itself.</param>
/// <param name="HasStreamOptions">Whether the body has a <c>stream_options</c> property (even null).</param>
/// <param name="HasLimitField">Whether the body has a <c>max_completion_tokens</c> property (even null).</param>
/// <param name="MaxOutputTokens">The client's <c>max_completion_tokens</c> or <c>max_tokens</c>, if any.</param>
/// <param name="Choices">How many choices (<c>n</c>) the client asked for.</param>
/// <param name="Text">Every string of the body (names and values, JSON escapes decoded), for the egress check and the prompt estimate.</param>
/// <param name="Attachments">Images, audio and files in the messages, which cost tokens their text does not show.</param>
internal sealed record ChatRequest(
    ReadOnlyMemory<byte> Body,
    string Model,
    bool Stream,
    bool ClientWantsUsage,
    bool HasStreamOptions,
    bool HasLimitField,
    int? MaxOutputTokens,
    int Choices,
    string Text,
    int Attachments);
