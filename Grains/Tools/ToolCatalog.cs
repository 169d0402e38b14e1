using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Platform.Grains.Approvals;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Tools;

/// <summary>
/// The platform's tools and the gate in front of them: a call is refused unless the tool is known and its
/// arguments satisfy the tool's schema exactly (no extra fields, right types, valid emails and URLs, bounded lengths).
/// </summary>
public sealed class ToolCatalog : IToolCatalog
{
    /// <summary>Arguments larger than this are refused before they are parsed.</summary>
    public const int MaxArgumentsLength = 64 * 1024;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 16 };

    private readonly FrozenDictionary<string, ToolDefinition> _byName;

    public ToolCatalog()
    {
        Tools =
        [
            Define(ToolNames.NotesRead, "Reads every note of this workspace.", ToolClass.Read, """
                {"type":"object","properties":{},"additionalProperties":false}
                """),
            Define(ToolNames.NotesWrite, "Adds a note to this workspace's notes.", ToolClass.Write, """
                {"type":"object","properties":{"text":{"type":"string","minLength":1,"maxLength":4000,"description":"The note."}},
                 "required":["text"],"additionalProperties":false}
                """),
            Define(ToolNames.EmailSend, "Sends a plain-text email to one recipient.", ToolClass.Send, """
                {"type":"object","properties":{
                   "to":{"type":"string","format":"email","maxLength":254,"description":"The recipient's address."},
                   "subject":{"type":"string","minLength":1,"maxLength":200,"pattern":"^[^\\r\\n]*$","description":"One line."},
                   "body":{"type":"string","minLength":1,"maxLength":20000,"description":"The message."}},
                 "required":["to","subject","body"],"additionalProperties":false}
                """),
            Define(ToolNames.WebhookPost, "Posts a JSON message ({\"text\": message}) to a URL on this workspace's webhook allowlist.", ToolClass.Send, """
                {"type":"object","properties":{
                   "url":{"type":"string","format":"uri","maxLength":2000,"description":"A URL on the workspace's webhook allowlist."},
                   "message":{"type":"string","minLength":1,"maxLength":4000,"description":"The text to post."}},
                 "required":["url","message"],"additionalProperties":false}
                """),
            Define(ToolNames.SlackPostMessage, "Posts a message to a Slack channel granted to a Slack connector.", ToolClass.Send, """
                {"type":"object","properties":{
                   "connector":{"type":"string","pattern":"^con[0-9a-f]{12}$","description":"The Slack connector's id."},
                   "channel":{"type":"string","minLength":1,"maxLength":32,"description":"A channel id the connector was granted."},
                   "text":{"type":"string","minLength":1,"maxLength":4000,"description":"The message."}},
                 "required":["connector","channel","text"],"additionalProperties":false}
                """),
            Define(ToolNames.SlackReadHistory, "Reads the newest messages of a Slack channel granted to a Slack connector.", ToolClass.Read, """
                {"type":"object","properties":{
                   "connector":{"type":"string","pattern":"^con[0-9a-f]{12}$","description":"The Slack connector's id."},
                   "channel":{"type":"string","minLength":1,"maxLength":32,"description":"A channel id the connector was granted."},
                   "limit":{"type":"integer","minimum":1,"maximum":100,"description":"How many messages (default 20)."}},
                 "required":["connector","channel"],"additionalProperties":false}
                """),
            Define(ToolNames.GitHubCreateIssue, "Opens an issue in a repository granted to a GitHub connector.", ToolClass.Write, """
                {"type":"object","properties":{
                   "connector":{"type":"string","pattern":"^con[0-9a-f]{12}$","description":"The GitHub connector's id."},
                   "repository":{"type":"string","minLength":3,"maxLength":140,"description":"owner/name, granted to the connector."},
                   "title":{"type":"string","minLength":1,"maxLength":256,"pattern":"^[^\\r\\n]*$","description":"One line."},
                   "body":{"type":"string","maxLength":20000,"description":"Markdown."}},
                 "required":["connector","repository","title","body"],"additionalProperties":false}
                """),
            Define(ToolNames.GitHubComment, "Comments on an issue or pull request in a repository granted to a GitHub connector.", ToolClass.Write, """
                {"type":"object","properties":{
                   "connector":{"type":"string","pattern":"^con[0-9a-f]{12}$","description":"The GitHub connector's id."},
                   "repository":{"type":"string","minLength":3,"maxLength":140,"description":"owner/name, granted to the connector."},
                   "issue_number":{"type":"integer","minimum":1,"maximum":1000000000,"description":"The issue or pull request number."},
                   "body":{"type":"string","minLength":1,"maxLength":20000,"description":"Markdown."}},
                 "required":["connector","repository","issue_number","body"],"additionalProperties":false}
                """),
            Define(ToolNames.GitHubReadFile, "Reads a text file from a repository granted to a GitHub connector.", ToolClass.Read, """
                {"type":"object","properties":{
                   "connector":{"type":"string","pattern":"^con[0-9a-f]{12}$","description":"The GitHub connector's id."},
                   "repository":{"type":"string","minLength":3,"maxLength":140,"description":"owner/name, granted to the connector."},
                   "path":{"type":"string","minLength":1,"maxLength":1000,"description":"The file's path in the repository."},
                   "ref":{"type":"string","minLength":1,"maxLength":250,"description":"A branch, tag or commit (default: the default branch)."}},
                 "required":["connector","repository","path"],"additionalProperties":false}
                """),
            Define(ToolNames.HttpGet, "GETs a URL under an HTTP connector's allowed prefixes; answers the status and the text body.", ToolClass.Read, """
                {"type":"object","properties":{
                   "connector":{"type":"string","pattern":"^con[0-9a-f]{12}$","description":"The HTTP connector's id."},
                   "url":{"type":"string","format":"uri","maxLength":2000,"description":"A URL under one of the connector's allowed prefixes."}},
                 "required":["connector","url"],"additionalProperties":false}
                """),
            Define(ToolNames.HttpPost, "POSTs a body to a URL under an HTTP connector's allowed prefixes.", ToolClass.Send, """
                {"type":"object","properties":{
                   "connector":{"type":"string","pattern":"^con[0-9a-f]{12}$","description":"The HTTP connector's id."},
                   "url":{"type":"string","format":"uri","maxLength":2000,"description":"A URL under one of the connector's allowed prefixes."},
                   "body":{"type":"string","maxLength":20000,"description":"The body; sent as JSON when it parses as JSON, else as plain text."}},
                 "required":["connector","url","body"],"additionalProperties":false}
                """),
        ];
        _byName = Tools.ToFrozenDictionary(static t => t.Name, StringComparer.Ordinal);
    }

    public ImmutableArray<ToolDefinition> Tools { get; }

    public ToolValidation Validate(string tool, string argumentsJson)
    {
        if (tool is null || !_byName.TryGetValue(tool, out var definition))
        {
            return new ToolValidation(null, null, $"Unknown tool '{Truncate(tool)}'.");
        }

        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            // Models commonly send an empty string for a tool without parameters.
            argumentsJson = "{}";
        }

        if (argumentsJson.Length > MaxArgumentsLength)
        {
            return new ToolValidation(definition, null, $"The arguments of '{tool}' are longer than {MaxArgumentsLength} characters.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(argumentsJson, ParseOptions);
        }
        catch (JsonException)
        {
            return new ToolValidation(definition, null, $"The arguments of '{tool}' are not valid JSON.");
        }

        using (document)
        {
            if (ToolSchemaValidator.Check(definition.ParametersSchema, document.RootElement, "arguments") is { } error)
            {
                return new ToolValidation(definition, null, $"{tool}: {error}");
            }

            return new ToolValidation(definition, CanonicalJson.Write(document.RootElement), null);
        }
    }

    private static ToolDefinition Define(string name, string description, ToolClass toolClass, string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return new ToolDefinition(name, description, toolClass, document.RootElement.Clone());
    }

    /// <summary>A name that came from the model, cut to 64 characters so no message or audit line carries an arbitrarily long one.</summary>
    internal static string Truncate(string? text) => text is null ? "" : text.Length <= 64 ? text : text[..64] + "…";
}
