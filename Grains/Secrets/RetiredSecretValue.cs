namespace Platform.Grains.Secrets;

/// <summary>
/// A value a rotation replaced, kept sealed (under the same name-bound purpose) only so the egress guard can go on
/// recognising it for <see cref="SecretsOptions.PreviousValueBlockPeriod"/>; it can never be resolved.
/// </summary>
public sealed class RetiredSecretValue
{
    public string SealedValue { get; set; } = "";

    public int Version { get; set; }

    public DateTimeOffset RetiredAt { get; set; }
}
