namespace Platform.Silo.Isolation;

/// <summary>
/// A grain call was refused because it crossed from one tenant into another (or came from outside the cluster without
/// naming the tenant it acts for). The message names neither the target's data nor whether it exists.
/// </summary>
[GenerateSerializer]
[Alias("platform.TenantIsolationException")]
public sealed class TenantIsolationException : OrleansException
{
    /// <summary>Creates the exception with the default message.</summary>
    public TenantIsolationException() : this("This call crosses a workspace boundary and was refused.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public TenantIsolationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public TenantIsolationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
