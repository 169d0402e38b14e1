namespace Platform.Grains.Runs;

/// <summary>One message of a run's conversation. The whole conversation is sealed with the workspace key at rest.</summary>
public sealed class ConversationMessage
{
    /// <summary><c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
    public string Role { get; set; } = "user";

    public string? Text { get; set; }

    public List<ConversationToolCall>? ToolCalls { get; set; }

    /// <summary>For a tool result: the call it answers.</summary>
    public string? ToolCallId { get; set; }
}
