namespace Platform.Grains.Runs;

/// <summary>A tool result read back out of its <see cref="UntrustedData"/> frame.</summary>
/// <param name="Tool">The tool the frame names.</param>
/// <param name="Status">How the call ended, as the run stated it.</param>
/// <param name="Content">The result inside the frame (planted frame tags still defused).</param>
public sealed record FramedToolResult(string Tool, ToolResultStatus Status, string Content);
