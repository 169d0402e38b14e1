namespace Platform.Grains.Runs;

/// <summary>
/// How a tool's result reaches the model: inside a labelled frame that says it is data. Text in the result that looks
/// like the frame's own tags is defused first, so planted content cannot close the frame and speak as the platform.
/// </summary>
public static partial class UntrustedData
{
    public static string Frame(string tool, string result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var defused = FrameTag().Replace(result, static m => "<\\" + m.Value[1..].TrimStart());
        return $"<tool-result tool=\"{tool}\" trust=\"untrusted-data\">\n{defused}\n</tool-result>";
    }

    /// <summary>The frame's tags as a model might read them: any case, with blanks or a slash after the bracket.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"<\s*/?\s*tool-result", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial System.Text.RegularExpressions.Regex FrameTag();
}
