using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>How the one-process platform stops: in the order that lets each part finish against the parts it calls.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task The_bus_stops_before_the_silo_so_no_event_being_consumed_waits_on_a_grain_that_can_no_longer_be_placed()
    {
        var logs = new CapturingLoggerProvider();
        var gateway = new GatewayFactory(new Dictionary<string, string?>())
        {
            TestServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };
        using (var client = gateway.CreateClient())
        {
            using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
            health.EnsureSuccessStatusCode();
        }

        await gateway.DisposeAsync();

        var lines = logs.Lines.ToList();
        var busStopped = lines.FindIndex(static l => l.Contains("MassTransit", StringComparison.Ordinal) && l.Contains("Bus stopped", StringComparison.Ordinal));
        var siloStopping = lines.FindIndex(static l => l.Contains("Stopping Orleans Silo", StringComparison.Ordinal));
        Assert.True(busStopped >= 0, "the bus never logged its stop");
        Assert.True(siloStopping >= 0, "the silo never logged its stop");
        Assert.True(busStopped < siloStopping, $"the silo began to stop (line {siloStopping}) before the bus had stopped (line {busStopped})");
    }
}
