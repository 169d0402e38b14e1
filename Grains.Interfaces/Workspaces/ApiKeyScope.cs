namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>What an API key may be used for; a key acts as one member and never exceeds that member's roles.</summary>
public enum ApiKeyScope
{
    /// <summary>Workspace administration (members, keys, policy, budget).</summary>
    Admin,

    /// <summary>Runs and their receipts.</summary>
    Member,

    /// <summary>Deciding approvals.</summary>
    Approver,

    /// <summary>The partner HTTP API.</summary>
    Partner,

    /// <summary>The OpenAI-compatible endpoint.</summary>
    Proxy,
}
