namespace Platform.Grains.Interfaces.Egress;

/// <summary>
/// Content handed to the platform carries one of the workspace's secret values (or its data key), in some encoding, so
/// it was refused and not kept. The same refusal as the model proxy's <c>secret_detected</c>: the message names the
/// secret and the encoding, never the value. An <see cref="ArgumentException"/>, since the request is what is wrong.
/// </summary>
[GenerateSerializer, Alias("platform.SecretDetectedException")]
public sealed class SecretDetectedException : ArgumentException
{
    /// <summary>The error code clients match on, the same as the OpenAI-compatible endpoint's.</summary>
    public const string Code = "secret_detected";

    public SecretDetectedException()
        : this("The request contains a secret value.")
    {
    }

    public SecretDetectedException(string message)
        : base(message)
    {
        Secret = "";
        Encoding = "";
    }

    public SecretDetectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Secret = "";
        Encoding = "";
    }

    /// <summary>Creates the refusal for <paramref name="finding"/>; <paramref name="message"/> must not hold the value.</summary>
    public SecretDetectedException(string message, EgressFinding finding)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(finding);
        Secret = finding.Secret;
        Encoding = finding.Encoding;
    }

    /// <summary>Which secret: its handle (<c>secret://name</c>) or <c>data key vN</c>.</summary>
    [Id(0)]
    public string Secret { get; }

    /// <summary>How it was written: <c>plain</c>, <c>base64</c>, <c>base64url</c>, <c>hex</c> or <c>url</c>.</summary>
    [Id(1)]
    public string Encoding { get; }
}
