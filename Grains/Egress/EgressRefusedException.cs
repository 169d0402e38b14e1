namespace Platform.Grains.Egress;

/// <summary>
/// An outbound connection refused because its destination is not a public address and the operator did not allow it.
/// A type of its own so a caller can say "Refused" rather than "could not be reached"; the message names the host,
/// port and reason, never anything of the request.
/// </summary>
// Serializable so that, thrown out of a grain method, it reaches a client on another silo with its type and properties.
[GenerateSerializer, Alias("platform.EgressRefusedException")]
public sealed class EgressRefusedException : HttpRequestException
{
    public EgressRefusedException()
        : this("unknown", 0, "unknown")
    {
    }

    public EgressRefusedException(string message)
        : base(message)
    {
        Host = "unknown";
        Reason = "unknown";
    }

    public EgressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Host = "unknown";
        Reason = "unknown";
    }

    /// <summary>Creates the exception for a refused <paramref name="host"/> and <paramref name="port"/>.</summary>
    public EgressRefusedException(string host, int port, string reason)
        : base($"Refused the connection to {host}:{port}: {Describe(reason)}.")
    {
        Host = host;
        Port = port;
        Reason = reason;
    }

    /// <summary>The host as the URL named it.</summary>
    [Id(0)]
    public string Host { get; }

    /// <summary>The port.</summary>
    [Id(1)]
    public int Port { get; }

    /// <summary>The short reason from <see cref="NetworkAddressRules.GetRefusalReason"/>, e.g. <c>loopback</c>.</summary>
    [Id(2)]
    public string Reason { get; }

    /// <summary>The reason as a phrase for people, e.g. "the destination is a loopback address".</summary>
    public string Description => Describe(Reason);

    private static string Describe(string reason) =>
        $"the destination is {("aeiouAEIOU".Contains(reason[0], StringComparison.Ordinal) ? "an" : "a")} {reason} address";
}
