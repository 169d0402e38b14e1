namespace Platform.Silo;

/// <summary>Why an activation is being deactivated; passed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
public enum DeactivationReason
{
    /// <summary>The activation was idle for longer than the collection age.</summary>
    IdleCollection,

    /// <summary>A state write met an ETag conflict; the next call reloads state in a fresh activation.</summary>
    InconsistentState,

    /// <summary>A state write failed because storage was unavailable; the next call reloads what storage holds.</summary>
    StorageFailed,

    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,

    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
}
