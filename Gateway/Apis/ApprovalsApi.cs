using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>The caller's workspace's approvals: members and approvers read them; only approvers decide.</summary>
internal static class ApprovalsApi
{
    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder routes)
    {
        var approvals = routes.MapGroup("/api/approvals").WithTags("Approvals");
        approvals.MapGet("/", ListAsync).RequireAuthorization(ReadPolicy).WithName("ListApprovals");
        approvals.MapGet("/{approvalId}", GetAsync).RequireAuthorization(ReadPolicy).WithName("GetApproval");
        approvals.MapPost("/{approvalId}/approve", ApproveAsync).RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Approver)).WithName("ApproveApproval");
        approvals.MapPost("/{approvalId}/deny", DenyAsync).RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Approver)).WithName("DenyApproval");
        return routes;
    }

    public static async Task<Ok<ImmutableArray<ApprovalView>>> ListAsync(CallerWorkspace caller, string? state = null, int limit = 100)
    {
        ApprovalState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<ApprovalState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
            {
                throw new ArgumentException("state must be one of pending, approved, denied, expired, withdrawn.", nameof(state));
            }

            wanted = parsed;
        }

        if (limit is < 1 or > 1000)
        {
            throw new ArgumentException("limit must be between 1 and 1000.", nameof(limit));
        }

        return TypedResults.Ok(await caller.Approvals.ListAsync(wanted, limit));
    }

    public static async Task<Ok<ApprovalView>> GetAsync(string approvalId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Approvals.GetAsync(approvalId));

    public static async Task<Ok<ApprovalView>> ApproveAsync(string approvalId, DecideApprovalRequest? request, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Approvals.ApproveAsync(approvalId, caller.Decider, request?.Comment));

    public static async Task<Ok<ApprovalView>> DenyAsync(string approvalId, DecideApprovalRequest? request, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Approvals.DenyAsync(approvalId, caller.Decider, request?.Comment));

    // Reading approvals is for anyone in the workspace who uses the agent or decides for it.
    private static void ReadPolicy(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy) => policy
        .RequireClaim(PlatformClaims.WorkspaceId)
        .RequireClaim(PlatformClaims.Scope, nameof(ApiKeyScope.Member), nameof(ApiKeyScope.Approver));
}
