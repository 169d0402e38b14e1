using Platform.Silo.Runtime;

namespace Platform.Silo;

/// <summary>
/// Base class of every grain. The runtime creates one activation per grain id, runs its requests one at a time in
/// arrival order, and deactivates it when idle; a grain author never deals with threads or locks.
/// </summary>
public abstract class Grain
{
    private readonly ActivationData _activation;

    /// <summary>Binds the grain to the activation the runtime is constructing.</summary>
    protected Grain()
    {
        _activation = ActivationData.Constructing
            ?? throw new InvalidOperationException("Grains are created by the silo; get a reference from IGrainFactory instead of constructing one.");
    }

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => _activation.GrainId;

    /// <summary>The key of a string-keyed grain.</summary>
    protected string PrimaryKey => _activation.GrainId.Key;

    /// <summary>The key of a Guid-keyed grain.</summary>
    protected Guid PrimaryKeyGuid => Guid.ParseExact(_activation.GrainId.Key, "N");

    /// <summary>Creates references to other grains (or to this one).</summary>
    protected IGrainFactory GrainFactory => _activation.Runtime.GrainFactory;

    /// <summary>Called once after state is read and before the first request is delivered.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once when the activation is collected, asked to go, or the silo stops; no request runs concurrently.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current request completes; the next call creates a fresh one.</summary>
    protected void DeactivateOnIdle() => _activation.RequestDeactivation(DeactivationReason.ApplicationRequested);

    /// <summary>
    /// Registers (or moves) a durable reminder: the grain is woken after <paramref name="dueTime"/>, then every
    /// <paramref name="period"/> (or once, with <see cref="Timeout.InfiniteTimeSpan"/>), even across restarts.
    /// Returns once the reminder is durable. The grain must implement <see cref="IRemindable"/>.
    /// </summary>
    protected Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _activation.Runtime.Reminders.RegisterOrUpdateAsync(_activation.GrainId, GetType(), reminderName, dueTime, period);

    /// <summary>Removes a reminder; returns whether one was registered.</summary>
    protected Task<bool> UnregisterReminderAsync(string reminderName) =>
        _activation.Runtime.Reminders.UnregisterAsync(_activation.GrainId, reminderName);

    internal ActivationData Activation => _activation;
}
