namespace Platform.Silo;

/// <summary>The storage provider could not be reached. Calls fail fast with this; they succeed again once storage is back.</summary>
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public StorageUnavailableException() : this("Grain storage is unavailable.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public StorageUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public StorageUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
