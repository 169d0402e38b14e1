using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Gateway.Tests;

/// <summary>
/// How a test gives anyone but the owner a key, as a user would: an admin invites, the invitee redeems the code with no
/// key of their own. (Keys are made only for oneself.)
/// </summary>
public static class Invitations
{
    /// <summary>Invites <paramref name="userId"/> as <paramref name="inviter"/>; answers the one-time code.</summary>
    public static async Task<string> InviteAsync(HttpClient inviter, string userId, string[] roles, string[] scopes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inviter);
        var response = await inviter.PostAsJsonAsync("/api/invitations", new { userId, displayName = userId, roles, scopes }, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString()!;
    }

    /// <summary>Redeems <paramref name="code"/> through <paramref name="anonymous"/> (no key); answers the invitee's token.</summary>
    public static async Task<string> RedeemAsync(HttpClient anonymous, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(anonymous);
        var response = await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code, keyName = "first key" }, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("key").GetProperty("token").GetString()!;
    }

    /// <summary>Invites and redeems in one go; answers the invitee's token.</summary>
    public static async Task<string> JoinAsync(HttpClient inviter, HttpClient anonymous, string userId, string[] roles, string[] scopes, CancellationToken ct) =>
        await RedeemAsync(anonymous, await InviteAsync(inviter, userId, roles, scopes, ct), ct);
}
