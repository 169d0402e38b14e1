using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Runs;

namespace Platform.Grains.Tests.Runs;

public sealed class RunConversationEgressTests
{
    [Fact]
    public void Outgoing_text_carries_every_message_text_and_tool_call_name()
    {
        var text = RunConversation.OutgoingText(
        [
            new ConversationMessage { Role = "system", Text = "be brief" },
            new ConversationMessage { Role = "user", Text = "post it" },
            new ConversationMessage { Role = "assistant", ToolCalls = [new ConversationToolCall { CallId = "c1", Name = "webhook.post", ArgumentsJson = """{"message":"hello"}""" }] },
            new ConversationMessage { Role = "tool", ToolCallId = "c1", Text = "posted" },
        ]);

        Assert.Contains("be brief", text, StringComparison.Ordinal);
        Assert.Contains("post it", text, StringComparison.Ordinal);
        Assert.Contains("webhook.post", text, StringComparison.Ordinal);
        Assert.Contains("hello", text, StringComparison.Ordinal);
        Assert.Contains("posted", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Outgoing_text_holds_tool_call_arguments_decoded_as_well_as_raw()
    {
        const string arguments = """{"to":"bob\u0040example.com","body":"a\u002Bb","nested":"{\"k\":\"in\\u002Bside\"}"}""";

        var lines = RunConversation.OutgoingText(
        [
            new ConversationMessage { Role = "assistant", ToolCalls = [new ConversationToolCall { CallId = "c1", Name = "email.send", ArgumentsJson = arguments }] },
        ]).Split('\n');

        Assert.Contains("email.send " + arguments, lines);
        Assert.Contains("bob@example.com", lines);
        Assert.Contains("a+b", lines);
        Assert.Contains("in+side", lines);
    }

    [Fact]
    public void Outgoing_text_of_messages_without_text_or_calls_is_only_line_breaks()
    {
        Assert.Equal("\n\n", RunConversation.OutgoingText([new ConversationMessage { Role = "assistant" }, new ConversationMessage { Role = "user", Text = "" }]));
    }

    [Fact]
    public void Redaction_applies_only_the_kinds_the_policy_redacts()
    {
        var policy = new EgressPolicy(EgressAction.Redact, EgressAction.Block, EgressAction.Allow);

        var redacted = RunConversation.Redacted(
            [new ConversationMessage { Role = "user", Text = "mail bob@example.com, ring +44 20 7946 0958, card 4111 1111 1111 1111" }],
            policy);

        Assert.Equal("mail [redacted email], ring +44 20 7946 0958, card 4111 1111 1111 1111", Assert.Single(redacted).Text);
    }

    [Fact]
    public void Redaction_under_the_default_policy_changes_nothing()
    {
        const string text = "mail bob@example.com, ring +44 20 7946 0958, card 4111 1111 1111 1111";

        var redacted = RunConversation.Redacted([new ConversationMessage { Role = "user", Text = text }], EgressPolicy.Default);

        Assert.Equal(text, Assert.Single(redacted).Text);
    }

    [Fact]
    public void Redaction_copies_every_message_keeping_role_call_id_and_calls_and_leaves_the_original_alone()
    {
        var calls = new List<ConversationToolCall> { new() { CallId = "c1", Name = "notes.read", ArgumentsJson = "{}" } };
        var original = new List<ConversationMessage>
        {
            new() { Role = "assistant", Text = "asking bob@example.com", ToolCalls = calls },
            new() { Role = "tool", ToolCallId = "c1", Text = "phone +44 20 7946 0958" },
            new() { Role = "assistant" },
        };
        var policy = new EgressPolicy(EgressAction.Redact, EgressAction.Redact, EgressAction.Redact);

        var redacted = RunConversation.Redacted(original, policy);

        Assert.Equal(3, redacted.Count);
        Assert.Equal(["assistant", "tool", "assistant"], redacted.Select(m => m.Role));
        Assert.Equal("asking [redacted email]", redacted[0].Text);
        Assert.Equal(calls.Select(c => (c.CallId, c.Name, c.ArgumentsJson)), redacted[0].ToolCalls!.Select(c => (c.CallId, c.Name, c.ArgumentsJson)));
        Assert.Equal("c1", redacted[1].ToolCallId);
        Assert.Equal("phone [redacted phone]", redacted[1].Text);
        Assert.Null(redacted[2].Text);
        Assert.Equal("asking bob@example.com", original[0].Text);
        Assert.NotSame(original[0], redacted[0]);
    }
}
