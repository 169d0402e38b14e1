namespace Platform.Gateway.Tests;

/// <summary>A workspace set up with real ids of every kind a route can take, and the owner key that made them.</summary>
/// <param name="WorkspaceId">The workspace's id.</param>
/// <param name="Name">Its (distinctive) display name.</param>
/// <param name="OwnerKey">A key of its owner holding every scope the owner may hold.</param>
/// <param name="OwnerUserId">The owner's user id.</param>
/// <param name="MemberUserId">A second member's user id.</param>
/// <param name="OwnerKeyId">The id of the key the workspace was created with.</param>
/// <param name="ExtraKeyId">The id of the second member's key (from their invitation).</param>
/// <param name="ExtraKeyToken">That key's token (its secret must never show anywhere else).</param>
/// <param name="RunId">A run waiting for approval.</param>
/// <param name="ApprovalId">The approval that run waits for.</param>
/// <param name="SecretName">The name of a secret it holds.</param>
/// <param name="SecretValue">That secret's value (it must never show anywhere).</param>
/// <param name="ConnectorId">An HTTP connector of it.</param>
/// <param name="InvitationId">A pending invitation (of a third person).</param>
public sealed record IsolatedWorkspace(
    string WorkspaceId,
    string Name,
    string OwnerKey,
    string OwnerUserId,
    string MemberUserId,
    string OwnerKeyId,
    string ExtraKeyId,
    string ExtraKeyToken,
    string RunId,
    string ApprovalId,
    string SecretName,
    string SecretValue,
    string ConnectorId,
    string InvitationId)
{
    /// <summary>The ids a route may take, by path parameter name; a new parameter name must be added here.</summary>
    public IReadOnlyList<string>? IdsFor(string parameterName) => parameterName switch
    {
        "runId" => [RunId],
        "approvalId" => [ApprovalId],
        "keyId" => [OwnerKeyId, ExtraKeyId],
        "userId" => [OwnerUserId, MemberUserId],
        "secretName" => [SecretName],
        "connectorId" => [ConnectorId],
        "workspaceId" => [WorkspaceId],
        "invitationId" => [InvitationId],

        // A model id (GET /v1/models/{id}): an id of another workspace names no model of this one.
        "id" => [RunId],
        _ => null,
    };

    /// <summary>
    /// The extra key's secret part: the token's last 43 characters (32 random bytes in base64url). Not "after the last
    /// underscore": base64url has underscores too, and a secret cut down to a letter or two is found in any response.
    /// </summary>
    private string ExtraKeySecret => ExtraKeyToken[^43..];

    /// <summary>What the operator must never see of this workspace: everything but its id and name (its content).</summary>
    public IReadOnlyList<string> Content => [OwnerUserId, MemberUserId, OwnerKeyId, ExtraKeyId, ExtraKeySecret, RunId, ApprovalId, SecretName, SecretValue, ConnectorId, InvitationId];

    /// <summary>Everything that identifies this workspace or its content and must never show in another workspace's responses.</summary>
    public IReadOnlyList<string> Secrets => [WorkspaceId, Name, OwnerUserId, MemberUserId, OwnerKeyId, ExtraKeyId, ExtraKeySecret, RunId, ApprovalId, SecretValue, ConnectorId, InvitationId];
}
