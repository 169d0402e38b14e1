namespace Platform.Grains.Runs;

/// <summary>A tool call the model made, as kept in the (encrypted) conversation.</summary>
public sealed class ConversationToolCall
{
    public string CallId { get; set; } = "";

    public string Name { get; set; } = "";

    public string ArgumentsJson { get; set; } = "{}";
}
