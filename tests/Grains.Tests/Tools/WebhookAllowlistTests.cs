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

    [Fact]
    public void An_empty_allowlist_allows_nothing()
    {
        Assert.False(WebhookAllowlist.IsAllowed(new Uri("https://hooks.example.test/team/a"), []));
    }
}
