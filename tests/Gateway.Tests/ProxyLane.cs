namespace Platform.Gateway.Tests;

/// <summary>What one proxy lane of a <see cref="ClusterLoad"/> saw.</summary>
internal sealed class ProxyLane
{
    /// <summary>Calls answered 200: acknowledged spend, which the ledger (or the withheld lease) must hold.</summary>
    public int Answered { get; set; }

    /// <summary>Calls refused by the workspace's cap.</summary>
    public int RefusedAtCap { get; set; }

    /// <summary>Calls refused, reset or timed out by the fault.</summary>
    public int Failed { get; set; }
}
