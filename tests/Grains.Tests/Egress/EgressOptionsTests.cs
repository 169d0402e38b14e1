using System.ComponentModel.DataAnnotations;
using Platform.Grains.Egress;

namespace Platform.Grains.Tests.Egress;

public sealed class EgressOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("127.0.0.1:8080/hooks")]
    [InlineData("user@hooks.internal:443")]
    [InlineData("hooks.internal:0")]
    [InlineData("hooks.internal:65536")]
    [InlineData("hooks.internal:*")]
    [InlineData("::1:8080")]
    [InlineData(":8080")]
    [InlineData("")]
    public void An_allowlist_entry_that_is_not_host_and_port_fails_validation(string entry)
    {
        var options = new EgressOptions { PrivateNetworkAllowlist = [entry] };

        var errors = options.Validate(new ValidationContext(options)).ToList();

        Assert.Contains("PrivateNetworkAllowlist", Assert.Single(errors).ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, true)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8081, false)]
    [InlineData("127.0.0.1:8080", "localhost", 8080, false)]
    [InlineData("[::1]:8080", "::1", 8080, true)]
    [InlineData("[::1]:8080", "[::1]", 8080, true)]
    [InlineData("Hooks.Internal:443", "hooks.internal", 443, true)]
    [InlineData("hooks.internal:443", "other.internal", 443, false)]
    public void An_entry_allows_exactly_its_host_as_named_and_its_port(string entry, string host, int port, bool allowed)
    {
        var options = new EgressOptions { PrivateNetworkAllowlist = [entry] };

        Assert.Empty(options.Validate(new ValidationContext(options)));
        Assert.Equal(allowed, options.AllowsPrivateNetwork(host, port));
    }
}
