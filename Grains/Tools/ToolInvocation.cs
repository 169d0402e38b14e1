namespace Platform.Grains.Tools;

/// <summary>One validated tool call, ready to run.</summary>
/// <param name="WorkspaceId">The workspace it runs in (its data, its allowlists, its keys).</param>
/// <param name="RunId">The run that asked.</param>
/// <param name="Tool">The tool's name.</param>
/// <param name="CanonicalArguments">Arguments that passed validation, as canonical JSON.</param>
/// <param name="IdempotencyKey">Unique per tool call of a run; a side-effecting tool uses it so a retry never acts twice.</param>
public sealed record ToolInvocation(string WorkspaceId, string RunId, string Tool, string CanonicalArguments, string IdempotencyKey);
