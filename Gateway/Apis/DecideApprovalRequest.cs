namespace Platform.Gateway.Apis;

/// <summary>The body of an approve or deny call. Only a comment: who decides comes from the key, never from the body.</summary>
/// <param name="Comment">Why, for the audit log and the requester.</param>
public sealed record DecideApprovalRequest(string? Comment = null);
