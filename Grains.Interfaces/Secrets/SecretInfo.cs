namespace Platform.Grains.Interfaces.Secrets;

/// <summary>What the platform shows of a secret: never its value.</summary>
/// <param name="Name">The secret's name; the model and connector settings refer to it as <c>secret://name</c>.</param>
/// <param name="Fingerprint">
/// Changes whenever the value changes, so an operator can tell versions apart; keyed with a random salt per version, so
/// it cannot be used to test guesses of a short value.
/// </param>
/// <param name="Version">1 when set, plus one per rotation.</param>
/// <param name="ManagedBy">Who owns the value: <c>user</c>, or <c>connector:{id}</c> for OAuth tokens a connector keeps.</param>
/// <param name="CreatedAt">When it was first set.</param>
/// <param name="RotatedAt">When the value last changed.</param>
/// <param name="LastUsedAt">When a tool last resolved it, if ever.</param>
/// <param name="LastUsedBy">What resolved it then (e.g. <c>run:run…</c>).</param>
[GenerateSerializer, Immutable, Alias("platform.SecretInfo")]
public sealed record SecretInfo(
    string Name,
    string Fingerprint,
    int Version,
    string ManagedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset RotatedAt,
    DateTimeOffset? LastUsedAt,
    string? LastUsedBy);
