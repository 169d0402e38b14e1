namespace Platform.Silo;

/// <summary>
/// The storage provider could not be reached. Calls fail fast with this; they succeed again once storage is back.
/// An <see cref="OrleansException"/>, so Orleans passes it to callers with its type instead of wrapping it, and
/// serializable, so a cluster client sees it as such (the gateway answers 503 for it).
/// </summary>
[GenerateSerializer]
[Alias("platform.StorageUnavailableException")]
public sealed class StorageUnavailableException : OrleansException
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
