using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Platform.Grains.Interfaces.Events;
using Platform.Silo.Isolation;

namespace Platform.Grains.Events;

/// <summary>
/// One activation's outbox: the events its grain announces wait in the grain's own state, written in the same write as
/// the change they announce, until the bus has confirmed them. So an event is published only after its change is
/// durable, and it is not lost when the broker is down or the node dies right after the write:
/// <list type="bullet">
/// <item>the grain registers a reminder (<see cref="ArmAsync"/>) <em>before</em> the write that first puts an event in an
/// empty outbox, so a node that dies after the write leaves a reminder that activates the grain elsewhere, and the next
/// activation publishes what waits (<see cref="Resume"/>);</item>
/// <item>publishing runs off the grain's turn (a broker that is down must not hold spend or approvals) and reports back
/// through <see cref="IEventOutboxGrain.AcknowledgeEventsAsync"/>; what was not confirmed is retried with a growing delay
/// while the activation lives, and by the reminder after that.</item>
/// </list>
/// An event may be published more than once (a confirmation lost on the way back, a crash before the outbox's write); it
/// keeps its id, so consumers drop the repeats. Events of one grain are published in the order they were recorded.
/// </summary>
public sealed class EventOutbox
{
    /// <summary>The reminder that finds an outbox its activation left behind.</summary>
    public const string ReminderName = "platform-outbox";

    /// <summary>The reminder's period: Orleans' minimum.</summary>
    public static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private const int MaxPerAttempt = 100;
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_longestRetry = TimeSpan.FromSeconds(30);

    // An attempt not reported back within this long is taken as lost (its report failed) and another may start.
    private static readonly TimeSpan s_attemptLost = TimeSpan.FromMinutes(2);

    private readonly Grain _grain;
    private readonly string _tenant;
    private readonly Func<List<OutboxEntry>> _entries;
    private readonly Func<Task> _write;
    private readonly IPlatformEvents _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private DateTimeOffset? _attemptStarted;
    private bool _armed;
    private int _failures;
    private IGrainTimer? _retry;
    private string? _name;

    /// <param name="grain">The grain; it implements <see cref="IEventOutboxGrain"/> and <see cref="IRemindable"/> and hands both calls here.</param>
    /// <param name="tenant">The workspace the grain belongs to, which the publisher's report back acts for.</param>
    /// <param name="entries">The outbox list in the grain's current state.</param>
    /// <param name="write">Writes the grain's state.</param>
    /// <param name="events">The bus.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The grain's logger.</param>
    public EventOutbox(Grain grain, string tenant, Func<List<OutboxEntry>> entries, Func<Task> write, IPlatformEvents events, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(grain);
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        _grain = grain;
        _tenant = tenant;
        _entries = entries ?? throw new ArgumentNullException(nameof(entries));
        _write = write ?? throw new ArgumentNullException(nameof(write));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The grain's id, for log lines.</summary>
    private string Name => _name ??= _grain.GetGrainId().ToString();

    /// <summary>How many events wait.</summary>
    public int Count => _entries().Count;

    /// <summary>Registers the outbox reminder unless this activation already did; call before the write that adds events.</summary>
    public async Task ArmAsync()
    {
        if (_armed)
        {
            return;
        }

        await _grain.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        _armed = true;
    }

    /// <summary>Puts <paramref name="platformEvent"/> in the outbox; the grain's next write persists it, then <see cref="Publish"/>.</summary>
    public void Add(object platformEvent) => _entries().Add(PlatformEventTypes.Entry(platformEvent, _time.GetUtcNow()));

    /// <summary>On activation: publishes what an earlier activation left (its reminder is still registered).</summary>
    public void Resume()
    {
        if (Count > 0)
        {
            _armed = true;
            Publish();
        }
    }

    /// <summary>Starts publishing what waits, oldest first, unless an attempt is under way. Call once the entries are durable.</summary>
    public void Publish()
    {
        var pending = _entries();
        var now = _time.GetUtcNow();
        if (pending.Count == 0 || (_attemptStarted is { } started && now - started < s_attemptLost))
        {
            return;
        }

        _attemptStarted = now;
        var batch = pending.Take(MaxPerAttempt).ToArray();
        var self = _grain.AsReference<IEventOutboxGrain>();
        var grainName = Name;
        var retryIn = RetryDelay(_failures);
        TenantContext.RunDetached(_tenant, () => PublishBatchAsync(self, grainName, batch, retryIn));
    }

    /// <summary>In the grain's turn: drops what the bus confirmed, persists that, and goes on or schedules a retry.</summary>
    public async Task AcknowledgeAsync(ImmutableArray<Guid> published, bool failed)
    {
        _attemptStarted = null;
        var pending = _entries();
        if (!published.IsDefaultOrEmpty)
        {
            var confirmed = published.ToHashSet();
            var oldest = pending.Where(e => confirmed.Contains(e.EventId)).Select(static e => e.RecordedAt).DefaultIfEmpty(_time.GetUtcNow()).Min();
            if (pending.RemoveAll(e => confirmed.Contains(e.EventId)) > 0)
            {
                // Until this write lands, a new activation publishes them again; consumers drop the repeats.
                await _write();
                if (_failures > 0)
                {
                    OutboxLog.PublishedLate(_logger, Name, published.Length, oldest);
                }
            }
        }

        if (pending.Count == 0)
        {
            // The reminder stays until its next tick finds the outbox empty: removing it here would cost two more
            // storage calls for every event, and the next event of this activation would register it again.
            _failures = 0;
            _retry?.Dispose();
            _retry = null;
            return;
        }

        if (!failed)
        {
            Publish();
            return;
        }

        var delay = RetryDelay(_failures++);
        _retry?.Dispose();
        _retry = _grain.RegisterGrainTimer(
            static (outbox, _) =>
            {
                outbox.Publish();
                return Task.CompletedTask;
            },
            this,
            new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>The reminder's tick: publishes what waits, or removes the reminder when nothing does.</summary>
    public async Task OnReminderAsync()
    {
        if (Count == 0)
        {
            await _grain.UnregisterReminderIfAnyAsync(ReminderName);
            _armed = false;
            return;
        }

        _armed = true;
        Publish();
    }

    private static TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(s_longestRetry.Ticks, s_firstRetry.Ticks << Math.Min(failures, 16)));

    private async Task PublishBatchAsync(IEventOutboxGrain self, string grainName, OutboxEntry[] batch, TimeSpan retryIn)
    {
        var published = ImmutableArray.CreateBuilder<Guid>(batch.Length);
        var failed = false;
        foreach (var entry in batch)
        {
            var platformEvent = PlatformEventTypes.Read(entry);
            if (platformEvent is null)
            {
                // Nothing can ever publish it; keeping it would hold every later event behind it.
                OutboxLog.UnknownEventType(_logger, grainName, entry.EventType, entry.EventId);
                published.Add(entry.EventId);
                continue;
            }

            try
            {
                await _events.PublishAsync(entry.EventId, platformEvent);
                published.Add(entry.EventId);
            }
            catch (Exception ex)
            {
                OutboxLog.PublishFailed(_logger, grainName, entry.EventType, entry.EventId, retryIn, ex);
                failed = true;
                break;
            }
        }

        try
        {
            await self.AcknowledgeEventsAsync(published.ToImmutable(), failed);
        }
        catch (Exception ex)
        {
            OutboxLog.AcknowledgeFailed(_logger, grainName, ex);
        }
    }
}
