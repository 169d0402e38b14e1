namespace Platform.Grains.Interfaces.Approvals;

/// <summary>Where an approval stands. Only <see cref="Pending"/> can change, and only once.</summary>
public enum ApprovalState
{
    /// <summary>Waiting for a human.</summary>
    Pending,

    /// <summary>A human approved exactly the payload whose hash it carries.</summary>
    Approved,

    /// <summary>A human denied it.</summary>
    Denied,

    /// <summary>Nobody decided before it expired; counts as denied.</summary>
    Expired,

    /// <summary>Its run ended (was cancelled) while it was pending: nothing is left to decide, and nothing runs.</summary>
    Withdrawn,
}
