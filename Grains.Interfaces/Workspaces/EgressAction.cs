namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>What happens to personal data found in content about to leave the workspace.</summary>
public enum EgressAction
{
    /// <summary>It leaves as written.</summary>
    Allow,

    /// <summary>It is replaced by a marker (<c>[redacted email]</c>) before leaving.</summary>
    Redact,

    /// <summary>Nothing leaves; the attempt is refused and audited.</summary>
    Block,
}
