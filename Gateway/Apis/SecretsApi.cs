using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>
/// The caller's workspace's secrets, write-only: set, rotate, delete, and a list of names and fingerprints. No route
/// answers a value; tools reach values by handle (<c>secret://name</c>) at call time.
/// </summary>
internal static class SecretsApi
{
    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder routes)
    {
        var secrets = routes.MapGroup("/api/secrets").RequireAuthorization(PlatformPolicies.Scope(ApiKeyScope.Admin)).WithTags("Secrets");
        secrets.MapGet("/", ListSecretsAsync).WithName("ListSecrets");
        secrets.MapGet("/{secretName}", GetSecretAsync).WithName("GetSecret");
        secrets.MapPut("/{secretName}", SetSecretAsync).WithName("SetSecret");
        secrets.MapPost("/{secretName}/rotate", RotateSecretAsync).WithName("RotateSecret");
        secrets.MapDelete("/{secretName}", DeleteSecretAsync).WithName("DeleteSecret");
        return routes;
    }

    public static async Task<Ok<ImmutableArray<SecretInfo>>> ListSecretsAsync(CallerWorkspace caller) =>
        TypedResults.Ok(await caller.Secrets.ListAsync());

    /// <summary>One secret's name, fingerprint and use (where a new secret's Location points); never its value.</summary>
    public static async Task<Ok<SecretInfo>> GetSecretAsync(string secretName, CallerWorkspace caller) =>
        TypedResults.Ok((await caller.Secrets.ListAsync()).FirstOrDefault(s => s.Name == secretName) ?? throw new WorkspaceNotFoundException($"No secret '{secretName}'."));

    public static async Task<Created<SecretInfo>> SetSecretAsync(string secretName, SecretValueRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        var info = await caller.Secrets.SetAsync(secretName, request.RequiredValue, caller.Actor);
        return TypedResults.Created($"/api/secrets/{info.Name}", info);
    }

    public static async Task<Ok<SecretInfo>> RotateSecretAsync(string secretName, SecretValueRequest request, CallerWorkspace caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Ok(await caller.Secrets.RotateAsync(secretName, request.RequiredValue, caller.Actor));
    }

    public static async Task<NoContent> DeleteSecretAsync(string secretName, CallerWorkspace caller)
    {
        await caller.Secrets.DeleteAsync(secretName, caller.Actor);
        return TypedResults.NoContent();
    }
}
