namespace Platform.Silo;

/// <summary>
/// The identity of a grain: its grain type (a stable name, persisted in storage rows) and its key.
/// Two references with the same id always reach the same activation inside a silo.
/// </summary>
/// <param name="Type">The stable grain type name, e.g. <c>workspace</c>.</param>
/// <param name="Key">The grain key, validated by <see cref="GrainKey"/>.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
