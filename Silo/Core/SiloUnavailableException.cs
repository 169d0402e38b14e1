namespace Platform.Silo;

/// <summary>The silo is shutting down and accepts no new activations.</summary>
public sealed class SiloUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SiloUnavailableException() : this("The silo is shutting down.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public SiloUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public SiloUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
