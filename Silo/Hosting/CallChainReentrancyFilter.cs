namespace Platform.Silo.Hosting;

/// <summary>
/// Lets a grain's call back into a grain that is waiting for it (A→B→A) in at once, as the platform's grains expect:
/// the run asks the approval grain, which reads the workspace, which may ask the run's listing. Orleans would otherwise
/// hold the inner call until the outer one finished, which never happens, and fail both at the response timeout.
/// Only calls made from inside a grain open the chain; a request from the gateway starts a fresh one.
/// </summary>
internal sealed class CallChainReentrancyFilter : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.SourceContext is null)
        {
            await context.Invoke();
            return;
        }

        using var _ = RequestContext.AllowCallChainReentrancy();
        await context.Invoke();
    }
}
