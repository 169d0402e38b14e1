namespace Platform.Grains.Runs;

/// <summary>
/// How a tool's result reaches the model: inside a labelled frame that says it is data. Text in the result that looks
/// like the frame's own tags is defused first, so planted content cannot close the frame and speak as the platform.
/// </summary>
public static class UntrustedData
{
    public static string Frame(string tool, string result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var defused = result
            .Replace("</tool-result", "<\\/tool-result", StringComparison.OrdinalIgnoreCase)
            .Replace("<tool-result", "<\\tool-result", StringComparison.OrdinalIgnoreCase);
        return $"<tool-result tool=\"{tool}\" trust=\"untrusted-data\">\n{defused}\n</tool-result>";
    }
}
