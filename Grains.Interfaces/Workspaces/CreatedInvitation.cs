namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A new invitation with its one-time code: the only time the code exists outside the inviter's hands.</summary>
/// <param name="Invitation">The invitation as listed.</param>
/// <param name="Code">The one-time code (<c>inv_&lt;workspace&gt;_&lt;invitation&gt;_&lt;secret&gt;</c>); only a salted hash is stored.</param>
[GenerateSerializer, Immutable, Alias("platform.CreatedInvitation")]
public sealed record CreatedInvitation(InvitationView Invitation, string Code);
