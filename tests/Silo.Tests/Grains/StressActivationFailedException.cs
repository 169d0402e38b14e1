namespace Platform.Silo.Tests.Grains;

/// <summary>Thrown by <see cref="StressFlakyGrain"/>'s first activation, so callers can tell it from anything else.</summary>
public sealed class StressActivationFailedException : Exception
{
    public StressActivationFailedException()
    {
    }

    public StressActivationFailedException(string message) : base(message)
    {
    }

    public StressActivationFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
