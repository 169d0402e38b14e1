using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Workspaces;

/// <summary>
/// A pending invitation at rest: its listing plus a random salt and SHA-256(salt ‖ secret). The code itself is never
/// kept; a redeemed or withdrawn invitation is removed, so its code finds nothing.
/// </summary>
public sealed class StoredInvitation
{
    public required InvitationView View { get; set; }

    public required byte[] Salt { get; set; }

    public required byte[] SecretHash { get; set; }
}
