using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Silo.Diagnostics;
using Platform.Silo.Hosting;
using Platform.Silo.Reminders;

namespace Platform.Silo.Runtime;

/// <summary>
/// The silo's runtime client: routes a call from a grain reference to the activation of its grain, creating it on first
/// use, and holds the parts every activation shares.
/// </summary>
internal sealed class SiloRuntime : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public SiloRuntime(
        IServiceProvider services,
        IOptions<SiloOptions> options,
        TimeProvider timeProvider,
        SiloMetrics metrics,
        ILogger<SiloRuntime> logger,
        GrainTypeRegistry registry)
    {
        Options = options.Value;
        TimeProvider = timeProvider;
        Metrics = metrics;
        Log = new SiloLog(logger);
        Registry = registry;
        Catalog = new Catalog(this);
        Activator = new GrainActivator(services);
        TimeoutMonitor = new CallTimeoutMonitor(timeProvider, Options.CallTimeout);
        GrainFactory = new GrainFactory(this);
        Reminders = new ReminderService(this, services.GetService<IReminderTable>());
    }

    public SiloOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public SiloMetrics Metrics { get; }

    public SiloLog Log { get; }

    public GrainTypeRegistry Registry { get; }

    public Catalog Catalog { get; }

    public GrainActivator Activator { get; }

    public CallTimeoutMonitor TimeoutMonitor { get; }

    public GrainFactory GrainFactory { get; }

    public ReminderService Reminders { get; }

    /// <summary>Cancelled when the silo begins to stop; passed to <c>OnActivateAsync</c>.</summary>
    public CancellationToken StoppingToken => _stopping.Token;

    public Task Invoke(GrainReference reference, GrainMethodInvoker invoker, object?[] arguments)
    {
        var chain = CallChain.Current;
        while (true)
        {
            var activation = reference.CachedActivation;
            if (activation is null || activation.IsInvalid)
            {
                activation = Catalog.GetOrCreate(reference.GrainId, invoker.GrainType);
                reference.CachedActivation = activation;
            }

            if (activation.TryInvoke(invoker, arguments, chain) is { } task)
            {
                return task;
            }

            // The activation went away between lookup and delivery; the catalog no longer lists it, so look again.
            reference.CachedActivation = null;
        }
    }

    /// <summary>Delivers a call that was waiting at an activation which then deactivated.</summary>
    public void Forward(GrainCall call)
    {
        try
        {
            while (!Catalog.GetOrCreate(call.Target, call.Invoker.GrainType).TryEnqueue(call))
            {
            }
        }
        catch (SiloUnavailableException exception)
        {
            TimeoutMonitor.Unregister(call);
            call.TryFail(exception);
        }
    }

    public void RecordCall(GrainMethodInvoker invoker, long startTimestamp)
    {
        if (Metrics.Calls.Enabled)
        {
            Metrics.Calls.Add(1, invoker.MetricTags);
        }

        if (startTimestamp != 0)
        {
            Metrics.CallDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, invoker.MetricTags);
        }
    }

    public void SignalStopping() => _stopping.Cancel();

    public void Dispose()
    {
        TimeoutMonitor.Dispose();
        _stopping.Dispose();
    }
}
