namespace Platform.Silo.Tests.Grains;

/// <summary>A grain's own exception, serializable as the platform's contract exceptions are, so it crosses to the client with its type.</summary>
[GenerateSerializer]
[Alias("test.ChainRefusedException")]
public sealed class ChainRefusedException : Exception
{
    public ChainRefusedException() : this("Refused.")
    {
    }

    public ChainRefusedException(string message) : base(message)
    {
    }

    public ChainRefusedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
