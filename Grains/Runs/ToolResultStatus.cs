namespace Platform.Grains.Runs;

/// <summary>
/// How a tool call ended, as the run's frame states it to the model (<c>outcome="…"</c>). Set by the run from what its
/// own code saw, never read from the result's text, so a result cannot claim a success it did not have.
/// </summary>
public enum ToolResultStatus
{
    /// <summary>It ran and did what was asked.</summary>
    Succeeded,

    /// <summary>It ran, or tried to, and failed; the text says why.</summary>
    Failed,

    /// <summary>A check refused it before it acted (schema, scope, allowlist, egress, a changed payload).</summary>
    Refused,

    /// <summary>A human denied its approval, or the approval expired.</summary>
    Denied,

    /// <summary>The platform stopped while it ran: it may or may not have acted.</summary>
    Unknown,
}
