namespace Platform.Silo;

/// <summary>
/// A named piece of grain state, injected into a grain's constructor with <see cref="PersistentStateAttribute"/>.
/// It is read before the grain's <c>OnActivateAsync</c> runs. Change <see cref="State"/>, then call <see cref="WriteStateAsync"/>.
/// </summary>
/// <typeparam name="TState">The state type; serialized as JSON.</typeparam>
public interface IPersistentState<TState>
{
    /// <summary>The state name (one grain can hold several).</summary>
    string Name { get; }

    /// <summary>The current state. A fresh instance when nothing is stored yet.</summary>
    TState State { get; set; }

    /// <summary>The version tag of what storage holds; <see langword="null"/> when nothing was ever written.</summary>
    string? Etag { get; }

    /// <summary>Whether storage holds a record for this state (false before the first write and after a clear).</summary>
    bool RecordExists { get; }

    /// <summary>Reads the state again from storage, replacing <see cref="State"/>.</summary>
    Task ReadStateAsync();

    /// <summary>Writes <see cref="State"/> durably. Throws <see cref="InconsistentStateException"/> when another writer changed it since it was read.</summary>
    Task WriteStateAsync();

    /// <summary>Clears the stored record and resets <see cref="State"/> to a fresh instance.</summary>
    Task ClearStateAsync();
}
