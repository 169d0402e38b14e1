using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>A partial update of a workspace; <see langword="null"/> leaves a field as it is.</summary>
/// <param name="Name">A new name.</param>
/// <param name="ApprovalRequired">Tool classes that need approval (read never does).</param>
/// <param name="FourEyes">Tool classes whose approver must differ from the requester.</param>
/// <param name="WebhookAllowlist">Absolute http(s) URLs webhooks may reach.</param>
/// <param name="ApprovalExpiry">Between 1 minute and 30 days.</param>
/// <param name="Model">A catalogue entry to use and optionally a lower output limit; never a price.</param>
/// <param name="AuditProxyContent">Whether proxy calls keep a sealed copy of the prompt in the audit log.</param>
/// <param name="Egress">Block, redact or allow personal data (email, phone, card numbers) leaving the workspace.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspacePatch")]
public sealed record WorkspacePatch(
    string? Name = null,
    ImmutableSortedSet<ToolClass>? ApprovalRequired = null,
    ImmutableSortedSet<ToolClass>? FourEyes = null,
    ImmutableArray<string>? WebhookAllowlist = null,
    TimeSpan? ApprovalExpiry = null,
    WorkspaceModelPatch? Model = null,
    bool? AuditProxyContent = null,
    EgressPolicy? Egress = null);
