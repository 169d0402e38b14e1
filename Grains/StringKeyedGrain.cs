namespace Platform.Grains;

/// <summary>
/// A grain keyed by a string (a workspace id, or a workspace id and a run id). Orleans decodes the key from the grain
/// id on every <c>GetPrimaryKeyString()</c>; the grains here read it on most calls, so it is decoded once.
/// </summary>
public abstract class StringKeyedGrain : Grain
{
    private string? _primaryKey;

    /// <summary>This grain's key.</summary>
    protected string PrimaryKey => _primaryKey ??= this.GetPrimaryKeyString();
}
