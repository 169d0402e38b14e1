namespace Platform.Grains.Tools;

/// <summary>The outcome of checking a model's tool call against the catalog: canonical arguments, or why it was refused.</summary>
/// <param name="Definition">The tool, when known.</param>
/// <param name="CanonicalArguments">The arguments as canonical JSON (sorted keys, no whitespace), when valid.</param>
/// <param name="Error">Why the call was refused (unknown tool, extra field, invalid value), when not.</param>
public sealed record ToolValidation(ToolDefinition? Definition, string? CanonicalArguments, string? Error)
{
    /// <summary>Whether the call may proceed (to approval or to running).</summary>
    public bool IsValid => Error is null;
}
