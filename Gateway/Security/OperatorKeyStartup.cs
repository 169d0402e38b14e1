namespace Platform.Gateway.Security;

/// <summary>Loads (or, on first start, creates) the operator key as the host starts, so its location is told at once.</summary>
internal sealed class OperatorKeyStartup(OperatorKey key) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(key);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
