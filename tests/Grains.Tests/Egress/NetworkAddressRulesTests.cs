using System.Net;
using Platform.Grains.Egress;

namespace Platform.Grains.Tests.Egress;

public sealed class NetworkAddressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.255", "carrier-grade NAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("192.0.0.8", "IETF protocol assignment")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.255", "benchmarking")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("203.0.113.9", "documentation")]
    public void IPv4_addresses_outside_the_public_internet_are_refused_with_a_reason(string address, string reason) =>
        Assert.Equal(reason, NetworkAddressRules.GetRefusalReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456:789a::1", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fe80::1%2", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("2001:0:4136:e378::1", "Teredo")]
    [InlineData("100::1", "discard-only")]
    [InlineData("4000::1", "reserved")]
    public void IPv6_addresses_outside_the_public_internet_are_refused_with_a_reason(string address, string reason) =>
        Assert.Equal(reason, NetworkAddressRules.GetRefusalReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("::ffff:0:192.168.0.1", "private")]
    [InlineData("64:ff9b::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("64:ff9b:1::1", "private")]
    [InlineData("2002:7f00:0001::1", "loopback")]
    [InlineData("2002:c0a8:0101::1", "private")]
    public void IPv6_forms_carrying_an_IPv4_address_are_judged_by_that_address(string address, string reason) =>
        Assert.Equal(reason, NetworkAddressRules.GetRefusalReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("169.255.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:830::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:0808:0808::1")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(NetworkAddressRules.IsPublic(IPAddress.Parse(address)), NetworkAddressRules.GetRefusalReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("[::1]", "loopback")]
    [InlineData("localhost", "loopback")]
    [InlineData("LocalHost.", "loopback")]
    [InlineData("api.localhost", "loopback")]
    [InlineData("10.0.0.5", "private")]
    [InlineData("[fe80::1]", "link-local")]
    [InlineData("93.184.216.34", null)]
    [InlineData("hooks.example.test", null)]
    [InlineData("localhost.example.test", null)]
    public void A_host_is_judged_before_any_lookup_only_when_it_is_an_ip_literal_or_localhost(string host, string? reason) =>
        Assert.Equal(reason, NetworkAddressRules.GetHostRefusalReason(host));
}
