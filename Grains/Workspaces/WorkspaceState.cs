using Platform.Grains.Interfaces.Models;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Workspaces;

/// <summary>What a workspace grain persists. Keys and invitation codes are stored only as salted hashes.</summary>
public sealed class WorkspaceState
{
    public bool Created { get; set; }

    public bool Deleted { get; set; }

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public Dictionary<string, WorkspaceMember> Members { get; set; } = new(StringComparer.Ordinal);

    public WorkspacePolicy Policy { get; set; } = WorkspacePolicy.Default;

    /// <summary>
    /// The model settings a workspace stored before the operator's catalogue, prices included. Read only so such a
    /// workspace loads; its calls run on the default catalogue entry (the one those settings held unless changed), and
    /// the value is dropped at the workspace's next model choice. Never a source of prices.
    /// </summary>
    public ModelSettings? Model { get; set; }

    /// <summary>The catalogue entry the workspace chose; none means the default entry.</summary>
    public ModelChoice? ModelChoice { get; set; }

    public Dictionary<string, StoredApiKey> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Pending invitations by id; redeemed and withdrawn ones are removed, expired ones on the next change.</summary>
    public Dictionary<string, StoredInvitation> Invitations { get; set; } = new(StringComparer.Ordinal);
}
