namespace Platform.Silo;

/// <summary>
/// A state write or clear carried an ETag that no longer matches storage: another writer got there first.
/// The runtime deactivates the activation that saw it, so the next call reloads the current state.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public InconsistentStateException() : this("The stored state changed since it was read.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public InconsistentStateException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public InconsistentStateException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the grain and state whose write lost the race.</summary>
    public InconsistentStateException(GrainId grainId, string stateName, string? expectedEtag, string? storedEtag)
        : base($"ETag conflict on state '{stateName}' of grain {grainId}: expected '{expectedEtag ?? "<none>"}', storage has '{storedEtag ?? "<none>"}'.")
    {
        GrainId = grainId;
        StateName = stateName;
        ExpectedEtag = expectedEtag;
        StoredEtag = storedEtag;
    }

    /// <summary>The grain whose write was refused.</summary>
    public GrainId? GrainId { get; }

    /// <summary>The name of the state that was being written.</summary>
    public string? StateName { get; }

    /// <summary>The ETag the writer held.</summary>
    public string? ExpectedEtag { get; }

    /// <summary>The ETag storage holds now, when the provider could tell.</summary>
    public string? StoredEtag { get; }
}
