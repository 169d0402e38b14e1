using System.Collections.Immutable;

namespace Platform.Testing;

/// <summary>
/// One secret version held by <see cref="FakeKeyVaultServer"/> (immutable: an update stores a changed copy). Not a
/// record, so a failing assertion cannot print the value with a generated ToString.
/// </summary>
public sealed class FakeKeyVaultSecretVersion(
    string version,
    string value,
    string? contentType,
    bool enabled,
    DateTimeOffset created,
    DateTimeOffset updated,
    ImmutableDictionary<string, string> tags)
{
    /// <summary>The version id (32 lower-case hex digits, as Key Vault makes them).</summary>
    public string Version { get; } = version;

    /// <summary>The secret value as stored.</summary>
    public string Value { get; } = value;

    /// <summary>The content type the writer gave, if any.</summary>
    public string? ContentType { get; } = contentType;

    /// <summary>False once disabled.</summary>
    public bool Enabled { get; } = enabled;

    /// <summary>When the version was created (whole seconds, as Key Vault records it).</summary>
    public DateTimeOffset Created { get; } = created;

    /// <summary>When it last changed (whole seconds).</summary>
    public DateTimeOffset Updated { get; } = updated;

    /// <summary>The version's tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; } = tags;

    /// <summary>A copy with other attributes, as a PATCH leaves the value and creation time alone.</summary>
    public FakeKeyVaultSecretVersion With(bool enabled, string? contentType, ImmutableDictionary<string, string> tags, DateTimeOffset updated) =>
        new(Version, Value, contentType, enabled, Created, updated, tags);
}
