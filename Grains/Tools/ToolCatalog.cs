using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Platform.Grains.Approvals;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Tools;

/// <summary>
/// The platform's four tools and the gate in front of them: a call is refused unless the tool is known and its
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

    // The name comes from the model; keep an error message from carrying an arbitrarily long string.
    private static string Truncate(string? text) => text is null ? "" : text.Length <= 64 ? text : text[..64] + "…";
}
