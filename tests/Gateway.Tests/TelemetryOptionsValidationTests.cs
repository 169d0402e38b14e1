namespace Platform.Gateway.Tests;

/// <summary>A telemetry setting that would export nothing, or somewhere unintended, stops the host at start with the rule.</summary>
public sealed class TelemetryOptionsValidationTests
{
    [Theory]
    [InlineData("Platform:Telemetry:OtlpEndpoint", "ftp://collector.test:4317", "Platform:Telemetry:OtlpEndpoint must be an absolute http:// or https:// URL without credentials")]
    [InlineData("Platform:Telemetry:OtlpEndpoint", "http://scraper:hunter2@collector.test:4318", "Platform:Telemetry:OtlpEndpoint must be an absolute http:// or https:// URL without credentials")]
    [InlineData("Platform:Telemetry:OtlpProtocol", "udp", "Platform:Telemetry:OtlpProtocol must be 'grpc' or 'http', not 'udp'")]
    [InlineData("Platform:Telemetry:ServiceName", " ", "Platform:Telemetry:ServiceName must be 1 to 64 characters")]
    public void An_unusable_setting_stops_the_host_saying_what_is_accepted(string key, string value, string rule)
    {
        using var gateway = new GatewayFactory(new Dictionary<string, string?> { [key] = value });

        var exception = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        var message = exception.ToString();
        Assert.Contains(rule, message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
    }
}
