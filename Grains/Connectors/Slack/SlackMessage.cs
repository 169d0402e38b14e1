namespace Platform.Grains.Connectors.Slack;

/// <summary>One message of a Slack conversation, as <c>conversations.history</c> lists it.</summary>
/// <param name="User">The author's user id; null for messages without one (bots, integrations, some system messages).</param>
/// <param name="Text">The message text in Slack's markup; empty when the message has only attachments or blocks.</param>
/// <param name="Ts">Slack's timestamp id of the message, unique within its channel (e.g. <c>1767225600.000100</c>).</param>
public sealed record SlackMessage(string? User, string Text, string Ts);
