using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Silo.Isolation;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>
/// Invitations: an admin or owner invites someone by user id and passes on the one-time code; the invitee redeems it,
/// with no key, for a key only they have seen. The rules (who may invite whom, one use, expiry) live in the workspace.
/// </summary>
internal static class InvitationsApi
{
    /// <summary>The rate limiter policy of redemption: per client address, since the caller has no key yet.</summary>
    public const string RedeemRateLimit = "invitation-redeem";

    public static IEndpointRouteBuilder MapInvitationsApi(this IEndpointRouteBuilder routes)
    {
        var invitations = routes.MapGroup("/api/invitations").WithTags("Invitations");
        var admin = PlatformPolicies.Scope(ApiKeyScope.Admin);
        invitations.MapPost("/", CreateInvitationAsync).RequireAuthorization(admin).WithName("CreateInvitation");
        invitations.MapGet("/", ListInvitationsAsync).RequireAuthorization(admin).WithName("ListInvitations");
        invitations.MapGet("/{invitationId}", GetInvitationAsync).RequireAuthorization(admin).WithName("GetInvitation");
        invitations.MapDelete("/{invitationId}", WithdrawInvitationAsync).RequireAuthorization(admin).WithName("WithdrawInvitation");
        invitations.MapPost("/redeem", RedeemInvitationAsync).AllowAnonymous().RequireRateLimiting(RedeemRateLimit).WithName("RedeemInvitation");
        return routes;
    }

    public static async Task<Created<CreatedInvitation>> CreateInvitationAsync(CreateInvitation request, CallerWorkspace caller, HttpContext context)
    {
        var created = await caller.Workspace.InviteAsync(request, caller.Member);
        NoStore(context);
        return TypedResults.Created($"/api/invitations/{created.Invitation.InvitationId}", created);
    }

    public static async Task<Ok<ImmutableArray<InvitationView>>> ListInvitationsAsync(CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Workspace.ListInvitationsAsync());

    public static async Task<Ok<InvitationView>> GetInvitationAsync(string invitationId, CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Workspace.GetInvitationAsync(invitationId));

    public static async Task<NoContent> WithdrawInvitationAsync(string invitationId, CallerWorkspace caller)
    {
        await caller.Workspace.WithdrawInvitationAsync(invitationId, caller.Member);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The code names its workspace, so exactly one grain is asked. Whatever is wrong with a code (its shape, its
    /// workspace, its invitation, its secret, its age, a use before) the answer is the same 404.
    /// </summary>
    public static async Task<Results<Ok<RedeemedInvitation>, ProblemHttpResult>> RedeemInvitationAsync(RedeemInvitationRequest request, IGrainFactory grains, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        WorkspaceRules.ValidateKeyName(request.KeyName);
        if (string.IsNullOrEmpty(request.Code))
        {
            // A missing code is a malformed request, not a guess: saying so reveals nothing about any invitation.
            throw new ArgumentException("code is required: the one-time code (inv_…) the invitation answered.", nameof(request));
        }

        if (!InvitationCode.TryParse(request.Code, out var workspaceId, out var invitationId, out var secret))
        {
            return Refused();
        }

        try
        {
            // Anonymous: the code names its workspace, whose grain checks the secret.
            TenantContext.Set(workspaceId);
            var redeemed = await grains.GetGrain<IWorkspaceGrain>(workspaceId).RedeemInvitationAsync(invitationId, secret, request.KeyName!);
            NoStore(context);
            return TypedResults.Ok(redeemed);
        }
        catch (WorkspaceNotFoundException)
        {
            return Refused();
        }
    }

    private static ProblemHttpResult Refused() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: InvitationCode.Refused);

    // A code or a key in the answer must not be kept by a cache on the way.
    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";
}
