using System.Net;

namespace Platform.Gateway.Tests;

/// <summary>A configured operator key that could never work stops the host at start, saying which rule it breaks.</summary>
public sealed class OperatorKeyValidationTests
{
    [Theory]
    [InlineData("op_only_26_characters_long", "must be at least 32 characters; the configured one has 26")]
    [InlineData("operator-key-without-the-prefix-0123456789", "must begin with 'op_'")]
    [InlineData("op_a key with spaces in it 0123456789abcdef", "must not contain whitespace")]
    public void A_key_that_could_never_be_presented_stops_the_host_with_the_setting_and_the_rule(string key, string rule)
    {
        using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Platform:OperatorKey"] = key });

        var exception = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        var message = exception.ToString();
        Assert.Contains($"Platform:OperatorKey {rule}", message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_well_formed_key_starts_the_host_and_is_accepted()
    {
        await using var gateway = new GatewayFactory(new Dictionary<string, string?> { ["Platform:OperatorKey"] = ApiFixture.OperatorKey });
        using var client = gateway.CreateClient();

        using var response = await HttpProbe.SendAsync(client, HttpMethod.Post, "/api/workspaces", """{"name":"A","ownerUserId":"a","ownerDisplayName":"A"}""", bearer: ApiFixture.OperatorKey);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
