using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Tools;

namespace Platform.Grains.Tests.Tools;

public sealed class ToolCatalogTests
{
    private readonly ToolCatalog _catalog = new();

    [Fact]
    public void The_catalog_offers_its_tools_with_their_classes()
    {
        Assert.Equal(
            [
                (ToolNames.NotesRead, ToolClass.Read), (ToolNames.NotesWrite, ToolClass.Write), (ToolNames.EmailSend, ToolClass.Send), (ToolNames.WebhookPost, ToolClass.Send),
                (ToolNames.SlackPostMessage, ToolClass.Send), (ToolNames.SlackReadHistory, ToolClass.Read), (ToolNames.GitHubCreateIssue, ToolClass.Write),
                (ToolNames.GitHubComment, ToolClass.Write), (ToolNames.GitHubReadFile, ToolClass.Read), (ToolNames.HttpGet, ToolClass.Read), (ToolNames.HttpPost, ToolClass.Send),
            ],
            _catalog.Tools.Select(static t => (t.Name, t.Class)));
    }

    [Fact]
    public void Valid_arguments_come_back_canonical_with_sorted_keys_and_no_whitespace()
    {
        var validation = _catalog.Validate(ToolNames.EmailSend, """{ "to": "alice@example.test", "subject": "Hi \u00e9", "body": "Hello\nthere" }""");

        Assert.True(validation.IsValid, validation.Error);
        Assert.Equal(ToolNames.EmailSend, validation.Definition!.Name);
        Assert.Equal("""{"body":"Hello\nthere","subject":"Hi \u00E9","to":"alice@example.test"}""", validation.CanonicalArguments);
    }

    [Theory]
    [InlineData("shell.exec", """{"cmd":"ls"}""", "Unknown tool 'shell.exec'.")]
    [InlineData(ToolNames.NotesWrite, """{"text":"x","extra":1}""", "notes.write: arguments has an unknown field 'extra'.")]
    [InlineData(ToolNames.NotesRead, """{"all":true}""", "notes.read: arguments has an unknown field 'all'.")]
    [InlineData(ToolNames.NotesWrite, """{"text":5}""", "notes.write: arguments.text must be a string.")]
    [InlineData(ToolNames.NotesWrite, """{}""", "notes.write: arguments.text is required.")]
    [InlineData(ToolNames.NotesWrite, """[1]""", "notes.write: arguments must be an object.")]
    [InlineData(ToolNames.NotesWrite, """{"text":"a","text":"b"}""", "notes.write: arguments has the field 'text' twice.")]
    [InlineData(ToolNames.EmailSend, """{"to":"not-an-address","subject":"s","body":"b"}""", "email.send: arguments.to is not a valid email address.")]
    [InlineData(ToolNames.EmailSend, """{"to":"Eve <eve@example.test>","subject":"s","body":"b"}""", "email.send: arguments.to is not a valid email address.")]
    [InlineData(ToolNames.EmailSend, """{"to":"a@example.test","subject":"s\r\nBcc: eve@example.test","body":"b"}""", "email.send: arguments.subject has a character or shape it may not have (pattern ^[^\\r\\n]*$).")]
    [InlineData(ToolNames.WebhookPost, """{"url":"ftp://example.test/x","message":"m"}""", "webhook.post: arguments.url is not an absolute http(s) URL without credentials.")]
    [InlineData(ToolNames.WebhookPost, """{"url":"https://user:pw@example.test/x","message":"m"}""", "webhook.post: arguments.url is not an absolute http(s) URL without credentials.")]
    [InlineData(ToolNames.WebhookPost, """{"url":"https://example.test/x","message":"m}""", "The arguments of 'webhook.post' are not valid JSON.")]
    public void Invalid_calls_are_refused_with_a_clear_reason(string tool, string arguments, string error)
    {
        var validation = _catalog.Validate(tool, arguments);

        Assert.False(validation.IsValid);
        Assert.Null(validation.CanonicalArguments);
        Assert.Equal(error, validation.Error);
    }

    [Fact]
    public void Over_long_values_are_refused()
    {
        var validation = _catalog.Validate(ToolNames.NotesWrite, $$"""{"text":"{{new string('x', 4001)}}"}""");

        Assert.Equal("notes.write: arguments.text must hold at most 4000 characters.", validation.Error);
    }

    [Fact]
    public void Empty_arguments_of_a_tool_without_parameters_are_an_empty_object()
    {
        Assert.Equal("{}", _catalog.Validate(ToolNames.NotesRead, "").CanonicalArguments);
    }
}
