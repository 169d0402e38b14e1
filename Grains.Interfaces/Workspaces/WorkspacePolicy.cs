using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// The rules code enforces on every tool call. <see cref="Version"/> is part of every approval's hash, so an approval
/// given under one policy cannot be used after the policy changed.
/// </summary>
/// <param name="Version">Incremented on every change.</param>
/// <param name="ApprovalRequired">Tool classes that wait for a human approval (write, send and destructive by default).</param>
/// <param name="FourEyes">Tool classes whose approver must differ from the member who started the run.</param>
/// <param name="WebhookAllowlist">The only URLs <c>webhook.post</c> may reach (exact scheme, host, port and path prefix).</param>
/// <param name="ApprovalExpiry">How long an approval may stay pending before it counts as denied.</param>
/// <param name="AuditProxyContent">
/// Whether the audit entry of each call through the OpenAI-compatible endpoint keeps a sealed copy of the prompt (off by
/// default: model, tokens, cost and latency are always audited, content only when the workspace asks).
/// </param>
/// <param name="Egress">Personal data rules for everything leaving the workspace; <see langword="null"/> means <see cref="EgressPolicy.Default"/>.</param>
[GenerateSerializer, Immutable, Alias("platform.WorkspacePolicy")]
public sealed record WorkspacePolicy(
    int Version,
    ImmutableSortedSet<ToolClass> ApprovalRequired,
    ImmutableSortedSet<ToolClass> FourEyes,
    ImmutableArray<string> WebhookAllowlist,
    TimeSpan ApprovalExpiry,
    bool AuditProxyContent = false,
    EgressPolicy? Egress = null)
{
    /// <summary>The personal data rules in force.</summary>
    public EgressPolicy EffectiveEgress => Egress ?? EgressPolicy.Default;

    /// <summary>The policy a new workspace starts with.</summary>
    public static WorkspacePolicy Default { get; } = new(
        1,
        [ToolClass.Write, ToolClass.Send, ToolClass.Destructive],
        [],
        [],
        TimeSpan.FromHours(24));
}
