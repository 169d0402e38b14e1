namespace Platform.Gateway.Proxy;

/// <summary>How a proxied call ended, as audited (<c>outcome</c>); the charge depends on it (<see cref="ProxyCall.ChargeMicros"/>).</summary>
internal static class CallOutcome
{
    /// <summary>The provider answered in full.</summary>
    public const string Completed = "completed";

    /// <summary>The client left before the answer was over.</summary>
    public const string ClientDisconnected = "client_disconnected";

    /// <summary>The provider refused the call or was never reached: nothing was spent.</summary>
    public const string UpstreamError = "upstream_error";

    /// <summary>The provider had started answering when its answer broke off.</summary>
    public const string UpstreamFailedMidway = "upstream_failed_midway";
}
