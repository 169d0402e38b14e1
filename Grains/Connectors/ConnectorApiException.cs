namespace Platform.Grains.Connectors;

/// <summary>
/// A connector call to a provider (Slack, GitHub) failed. <see cref="Exception.Message"/> is safe to show to a model or
/// a user: it never holds the token nor the provider's response body, at most the provider's short error code, so the
/// exception may travel into a tool result or a log as is.
/// </summary>
// Serializable so that, thrown out of a grain method, it reaches a client on another silo with its type and properties.
[GenerateSerializer, Alias("platform.ConnectorApiException")]
public sealed class ConnectorApiException : Exception
{
    public ConnectorApiException()
        : this(ConnectorFailure.Failed, "The connector call failed.")
    {
    }

    public ConnectorApiException(string message)
        : this(ConnectorFailure.Failed, message)
    {
    }

    public ConnectorApiException(string message, Exception innerException)
        : this(ConnectorFailure.Failed, message, retryAfter: null, innerException)
    {
    }

    /// <summary>A failure of <paramref name="kind"/>; <paramref name="message"/> must already be safe to show.</summary>
    public ConnectorApiException(ConnectorFailure kind, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        RetryAfter = retryAfter;
    }

    /// <summary>What kind of failure this is, so a caller can tell "reconnect" from "wait" from "fix the arguments".</summary>
    [Id(0)]
    public ConnectorFailure Kind { get; }

    /// <summary>How long the provider asked the caller to wait, when it said (rate limits only).</summary>
    [Id(1)]
    public TimeSpan? RetryAfter { get; }
}
