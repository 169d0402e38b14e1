using MassTransit;
using Microsoft.Extensions.Hosting;

namespace Platform.Grains.Events;

/// <summary>
/// Stops the bus before the silo. Orleans stops its silo in the host's "stopping" phase, ahead of every hosted service's
/// <c>StopAsync</c>, so MassTransit's own hosted service would stop the bus after the silo: a message being consumed then
/// calls a feed grain that can no longer be placed, the consumer's redelivery retries it, and the host's stop waits for
/// that until its shutdown timeout. Stopped first, the bus finishes (or hands back to the broker) what it is consuming
/// while the grains still answer; events the grains announce after that wait in their outboxes for the next start.
/// Registered after <c>UseOrleans</c>, so its "stopping" runs before the silo's (the host runs them in reverse order).
/// </summary>
internal sealed class BusStopsBeforeSilo(IBusControl bus) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken) => bus.StopAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
