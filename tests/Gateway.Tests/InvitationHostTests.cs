using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Tests;

/// <summary>Redemption's own rate limit and the validation of the invitation settings, each on a gateway of its own.</summary>
public sealed class InvitationHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Redemption_attempts_beyond_the_per_address_limit_get_429_while_keyed_calls_go_on()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
            ["Platform:Invitations:RedeemAttemptsPerMinute"] = "3",
        });
        using var op = gateway.CreateClient();
        op.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.OperatorKey);
        using var anonymous = gateway.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await anonymous.PostAsJsonAsync("/api/invitations/redeem", new { code = $"inv_guess{i}", keyName = "k" }, Ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.Created, (await op.PostAsJsonAsync("/api/workspaces", new { name = "A", ownerUserId = "a", ownerDisplayName = "A" }, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("Platform:Invitations:Lifetime", "00:00:01", "Platform:Invitations:Lifetime")]
    [InlineData("Platform:Invitations:Lifetime", "31.00:00:00", "Platform:Invitations:Lifetime")]
    [InlineData("Platform:Invitations:RedeemAttemptsPerMinute", "0", "Platform:Invitations:RedeemAttemptsPerMinute")]
    public async Task A_bad_invitation_setting_stops_the_host_with_a_message_naming_it(string setting, string value, string named)
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Platform:OperatorKey"] = ApiFixture.OperatorKey,
            [setting] = value,
        });

        var failure = Assert.ThrowsAny<OptionsValidationException>(() => gateway.CreateClient());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
