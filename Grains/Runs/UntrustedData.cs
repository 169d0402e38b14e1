namespace Platform.Grains.Runs;

/// <summary>
/// How a tool's result reaches the model: inside a labelled frame that says it is data and how the call ended. Text in
/// the result that looks like the frame's own tags is defused first, so planted content cannot close the frame and
/// speak as the platform; the outcome is an attribute of the opening tag, which only the run writes.
/// </summary>
public static partial class UntrustedData
{
    private const string Close = "\n</tool-result>";

    public static string Frame(string tool, ToolResultStatus status, string result)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(result);
        var defused = FrameTag().Replace(result, static m => "<\\" + m.Value[1..].TrimStart());

        // A refused call's name came from the model: only a tool name's own characters go into the attribute.
        var name = UnsafeNameCharacter().Replace(ToolNameOf(tool), "_");
        return $"<tool-result tool=\"{name}\" trust=\"untrusted-data\" outcome=\"{Attribute(status)}\">\n{defused}{Close}";
    }

    /// <summary>Reads a message <see cref="Frame"/> wrote; false for any other text (a client's own tool message).</summary>
    public static bool TryRead(string? message, out FramedToolResult result)
    {
        result = null!;
        if (message is null || !message.EndsWith(Close, StringComparison.Ordinal) || OpeningTag().Match(message) is not { Success: true } open)
        {
            return false;
        }

        var status = Enum.GetValues<ToolResultStatus>().Where(s => Attribute(s) == open.Groups["outcome"].Value).Select(static s => (ToolResultStatus?)s).FirstOrDefault();
        if (status is null)
        {
            return false;
        }

        result = new FramedToolResult(open.Groups["tool"].Value, status.Value, message[open.Length..^Close.Length]);
        return true;
    }

    private static string ToolNameOf(string tool) => tool.Length <= 64 ? tool : tool[..64];

    private static string Attribute(ToolResultStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>The frame's tags as a model might read them: any case, with blanks or a slash after the bracket.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"<\s*/?\s*tool-result", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex FrameTag();

    [System.Text.RegularExpressions.GeneratedRegex(@"\A<tool-result tool=""(?<tool>[A-Za-z0-9._-]*)"" trust=""untrusted-data"" outcome=""(?<outcome>[a-z]+)"">\n", System.Text.RegularExpressions.RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex OpeningTag();

    [System.Text.RegularExpressions.GeneratedRegex(@"[^A-Za-z0-9._-]", System.Text.RegularExpressions.RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex UnsafeNameCharacter();
}
