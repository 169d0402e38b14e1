namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>What the OpenAI-compatible endpoint reads of a workspace on every call.</summary>
/// <param name="Model">The model, its provider and prices, resolved from the operator's catalogue.</param>
/// <param name="AuditContent">Whether each call's audit entry keeps a sealed copy of the prompt.</param>
/// <param name="CreatedAt">When the workspace was created.</param>
/// <param name="Egress">The personal data rules applied to every prompt before it is forwarded.</param>
[GenerateSerializer, Immutable, Alias("platform.ProxySettings")]
public sealed record ProxySettings(ModelSettings Model, bool AuditContent, DateTimeOffset CreatedAt, EgressPolicy Egress);
