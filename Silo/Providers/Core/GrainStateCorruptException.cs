namespace Platform.Silo;

/// <summary>
/// Stored state could not be read back into its type. The activation fails and nothing is written over the stored bytes,
/// so an operator can inspect or repair them.
/// </summary>
[GenerateSerializer]
[Alias("platform.GrainStateCorruptException")]
public sealed class GrainStateCorruptException : OrleansException
{
    /// <summary>Creates the exception with a default message.</summary>
    public GrainStateCorruptException() : this("Stored grain state is corrupt.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public GrainStateCorruptException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public GrainStateCorruptException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the grain, the state and the expected type.</summary>
    public GrainStateCorruptException(GrainId grainId, string stateName, Type stateType, Exception innerException)
        : base($"Stored state '{stateName}' of grain {grainId} cannot be read as {stateType.Name}: {innerException.Message}", innerException)
    {
        GrainId = grainId;
        StateName = stateName;
    }

    /// <summary>The grain whose state is corrupt.</summary>
    [Id(0)]
    public GrainId? GrainId { get; }

    /// <summary>The name of the corrupt state.</summary>
    [Id(1)]
    public string? StateName { get; }
}
