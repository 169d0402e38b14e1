using Platform.Grains.Egress;
using Platform.Grains.Tools;

namespace Platform.Grains.Tests.Tools;

public sealed class WebhookAllowlistTests
{
    private static readonly string[] Allowlist = ["https://hooks.example.test/team/a", "http://127.0.0.1:8080/"];

    [Theory]
    [InlineData("https://hooks.example.test/team/a", true)]
    [InlineData("https://HOOKS.example.test/team/a/deploys?x=1", true)]
    [InlineData("https://hooks.example.test:443/team/a", true)]
    [InlineData("http://127.0.0.1:8080/anything", true)]
    [InlineData("https://hooks.example.test/team/ab", false)]
    [InlineData("https://hooks.example.test/team", false)]
    [InlineData("http://hooks.example.test/team/a", false)]
    [InlineData("https://hooks.example.test:8443/team/a", false)]
    [InlineData("https://hooks.example.test.evil.test/team/a", false)]
    [InlineData("http://127.0.0.1:8081/", false)]
    [InlineData("https://hooks.example.test/team/a/../../admin", false)]
    public void Only_same_scheme_host_port_and_path_prefix_is_allowed(string url, bool allowed)
    {
        Assert.Equal(allowed, WebhookAllowlist.IsAllowed(new Uri(url), Allowlist));
    }

    [Theory]
    [InlineData("http://127.0.0.1/hooks", "loopback")]
    [InlineData("http://127.1:8080/hooks", "loopback")]
    [InlineData("http://localhost:8080/hooks", "loopback")]
    [InlineData("https://api.LOCALHOST/hooks", "loopback")]
    [InlineData("http://[::1]/hooks", "loopback")]
    [InlineData("http://[::ffff:10.0.0.5]/hooks", "private")]
    [InlineData("http://10.0.0.5/hooks", "private")]
    [InlineData("http://192.168.1.1/", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("http://100.64.0.1/", "carrier-grade NAT")]
    public void An_entry_that_can_only_reach_a_non_public_address_is_refused_when_set(string entry, string reason)
    {
        var refused = Assert.Throws<ArgumentException>(() => WebhookAllowlist.EnsureReachable([entry], new EgressOptions()));

        Assert.Contains($"'{entry}' points at", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{reason} address", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Platform:Egress:PrivateNetworkAllowlist", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://hooks.example.test/team")]
    [InlineData("http://8.8.8.8/hooks")]
    [InlineData("http://hooks.internal.test/team")]
    public void Public_addresses_and_names_are_accepted_when_set(string entry) =>
        WebhookAllowlist.EnsureReachable([entry], new EgressOptions());

    [Fact]
    public void A_private_entry_whose_host_and_port_the_operator_allowed_is_accepted()
    {
        var operatorAllows = new EgressOptions { PrivateNetworkAllowlist = ["127.0.0.1:8080", "localhost:9000"] };

        WebhookAllowlist.EnsureReachable(["http://127.0.0.1:8080/hooks", "http://localhost:9000/x"], operatorAllows);
        Assert.Throws<ArgumentException>(() => WebhookAllowlist.EnsureReachable(["http://127.0.0.1:8081/hooks"], operatorAllows));
    }

    [Theory]
    [InlineData("""{"message":"m","url":"https://hooks.example.test/team/a/x"}""", false)]
    [InlineData("""{"message":"m","url":"https://elsewhere.example.test/team/a"}""", true)]
    public void A_call_to_a_url_off_the_allowlist_is_refused_before_approval(string arguments, bool refused) =>
        Assert.Equal(refused ? WebhookAllowlist.NotOnAllowlist : null, WebhookAllowlist.CallRefusal(arguments, Allowlist));

    [Fact]
    public void An_empty_allowlist_allows_nothing()
    {
        Assert.False(WebhookAllowlist.IsAllowed(new Uri("https://hooks.example.test/team/a"), []));
    }
}
