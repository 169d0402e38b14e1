using Platform.Silo.Runtime;

namespace Platform.Silo.Reminders;

/// <summary>
/// Durable wake-ups. Every reminder is written to the <see cref="IReminderTable"/> before registration returns and all
/// are loaded when the silo starts, so a grain is re-activated and called after a restart (agent runs resume this way).
/// A poll on the silo's <see cref="TimeProvider"/> delivers due reminders; a failed delivery is retried with back-off.
/// One-shot reminders are removed once delivered, periodic ones move on by whole periods.
/// </summary>
internal sealed class ReminderService(SiloRuntime runtime, IReminderTable? table) : IAsyncDisposable
{
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMinutes(5);

    private readonly Dictionary<(GrainId, string), ReminderRegistration> _reminders = [];
    private readonly Lock _lock = new();

    // Striped so that a one-shot reminder's removal cannot delete a registration the grain made meanwhile.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 32).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly Lock _pollLock = new();
    private ITimer? _timer;
    private Task _poll = Task.CompletedTask;
    private bool _polling;
    private bool _pollAgain;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _reminders.Count;
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (table is null)
        {
            return;
        }

        foreach (var entry in await table.ReadAllAsync(cancellationToken))
        {
            lock (_lock)
            {
                _reminders[(entry.GrainId, entry.Name)] = new ReminderRegistration(entry);
            }
        }

        var interval = runtime.Options.ReminderPollInterval;
        _timer = runtime.TimeProvider.CreateTimer(static state => ((ReminderService)state!).Poll(), this, TimeSpan.Zero, interval);
    }

    public async Task RegisterOrUpdateAsync(GrainId grainId, Type grainClass, string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        if (table is null)
        {
            throw new InvalidOperationException("No reminder storage is configured for this silo.");
        }

        if (!typeof(IRemindable).IsAssignableFrom(grainClass))
        {
            throw new InvalidOperationException($"{grainClass.Name} registers reminders but does not implement IRemindable.");
        }

        GrainKey.Validate(reminderName, nameof(reminderName));
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        if (period != Timeout.InfiniteTimeSpan && period < runtime.Options.MinimumReminderPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"A periodic reminder's period must be at least {runtime.Options.MinimumReminderPeriod}, or Timeout.InfiniteTimeSpan for a one-shot reminder.");
        }

        var entry = new ReminderEntry(grainId, reminderName, runtime.TimeProvider.GetUtcNow() + dueTime, period);
        var stripe = StripeOf(grainId, reminderName);
        await stripe.WaitAsync();
        try
        {
            await table.UpsertAsync(entry);
            lock (_lock)
            {
                _reminders[(grainId, reminderName)] = new ReminderRegistration(entry);
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    public async Task<bool> UnregisterAsync(GrainId grainId, string reminderName)
    {
        if (table is null)
        {
            return false;
        }

        var stripe = StripeOf(grainId, reminderName);
        await stripe.WaitAsync();
        try
        {
            var removed = await table.RemoveAsync(grainId, reminderName);
            lock (_lock)
            {
                removed |= _reminders.Remove((grainId, reminderName));
            }

            return removed;
        }
        finally
        {
            stripe.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }

        Task poll;
        lock (_pollLock)
        {
            poll = _poll;
        }

        await poll;
    }

    private void Poll()
    {
        lock (_pollLock)
        {
            if (_polling)
            {
                // A tick during a delivery is not dropped: the running poll looks again when it ends, so a reminder
                // that fell due meanwhile does not wait for the next tick (which a manual clock may never give).
                _pollAgain = true;
                return;
            }

            // Off whatever context fired the timer: deliveries must never run on a caller's (or a grain's) context.
            // Published under the lock, which FireDueAsync takes before it ends, so shutdown awaits the poll that runs.
            _polling = true;
            _poll = Task.Run(FireDueAsync);
        }
    }

    private async Task FireDueAsync()
    {
        while (true)
        {
            var completed = false;
            try
            {
                await FireDueOnceAsync();
                completed = true;
            }
            finally
            {
                lock (_pollLock)
                {
                    // Poll again only after a clean pass; a failed one leaves the next tick to start afresh.
                    _polling = completed && _pollAgain;
                    _pollAgain = false;
                }
            }

            lock (_pollLock)
            {
                if (!_polling)
                {
                    return;
                }
            }
        }
    }

    private async Task FireDueOnceAsync()
    {
        var now = runtime.TimeProvider.GetUtcNow();
        List<ReminderRegistration> due = [];
        lock (_lock)
        {
            foreach (var registration in _reminders.Values)
            {
                if (!registration.InFlight && registration.NextAttempt <= now)
                {
                    registration.InFlight = true;
                    due.Add(registration);
                }
            }
        }

        if (due.Count > 0)
        {
            await Task.WhenAll(due.Select(r => DeliverAsync(r, now)));
        }
    }

    private async Task DeliverAsync(ReminderRegistration registration, DateTimeOffset now)
    {
        ReminderEntry entry;
        lock (_lock)
        {
            entry = registration.Entry;
        }

        var next = DateTimeOffset.MaxValue;
        try
        {
            IRemindable grain;
            try
            {
                grain = runtime.GrainFactory.GetGrain<IRemindable>(entry.GrainId);
            }
            catch (InvalidOperationException)
            {
                runtime.Log.ReminderOrphaned(entry.GrainId, entry.Name);
                return;
            }

            await grain.ReceiveReminderAsync(entry.Name, new TickStatus(entry.DueAt, entry.Period, now));
            if (entry.Period == Timeout.InfiniteTimeSpan)
            {
                await RemoveIfUnchangedAsync(registration);
                return;
            }

            var periods = Math.Max(1, (long)Math.Ceiling((now - entry.DueAt) / entry.Period));
            lock (_lock)
            {
                registration.Failures = 0;
                if (ReferenceEquals(registration.Entry, entry))
                {
                    registration.Entry = entry with { DueAt = entry.DueAt + (entry.Period * periods) };
                }

                next = registration.Entry.DueAt;
            }
        }
        catch (Exception exception)
        {
            lock (_lock)
            {
                registration.Failures++;
                next = now + TimeSpan.FromSeconds(Math.Min(Math.Pow(2, registration.Failures), s_maxBackoff.TotalSeconds));
            }

            runtime.Log.ReminderFailed(entry.GrainId, entry.Name, next, exception);
        }
        finally
        {
            lock (_lock)
            {
                registration.NextAttempt = next;
                registration.InFlight = false;
            }
        }
    }

    private async Task RemoveIfUnchangedAsync(ReminderRegistration registration)
    {
        var key = (registration.Entry.GrainId, registration.Entry.Name);
        var stripe = StripeOf(key.GrainId, key.Name);
        await stripe.WaitAsync();
        try
        {
            lock (_lock)
            {
                if (!_reminders.TryGetValue(key, out var current) || !ReferenceEquals(current, registration))
                {
                    return;
                }
            }

            await table!.RemoveAsync(key.GrainId, key.Name);
            lock (_lock)
            {
                _reminders.Remove(key);
            }
        }
        finally
        {
            stripe.Release();
        }
    }

    private SemaphoreSlim StripeOf(GrainId grainId, string name) =>
        _stripes[(int)((uint)HashCode.Combine(grainId, name) % (uint)_stripes.Length)];
}
