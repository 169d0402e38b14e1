using System.Text.Json.Serialization;
using Platform.Grains.Interfaces.Approvals;

namespace Platform.Grains.Approvals;

/// <summary>
/// An approval at rest. Its arguments are workspace content (recipients, message bodies), so they are stored only sealed
/// with the workspace key; the view is persisted without them and completed in memory on activation.
/// </summary>
public sealed class StoredApproval
{
    public long Sequence { get; set; }

    /// <summary>The full view, arguments included; never serialized.</summary>
    [JsonIgnore]
    public ApprovalView View { get; set; } = null!;

    /// <summary>The view as persisted: arguments blanked.</summary>
    public ApprovalView StoredView
    {
        get => View with { CanonicalArguments = "" };
        set => View = value;
    }

    /// <summary>The canonical arguments, sealed with the workspace key for purpose <c>approval.arguments</c>.</summary>
    public string SealedArguments { get; set; } = "";
}
