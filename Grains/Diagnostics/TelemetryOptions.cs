namespace Platform.Grains.Diagnostics;

/// <summary>
/// <c>Platform:Telemetry</c>: what the platform tells its operator about itself. Metrics are always kept in memory for
/// the operator's <c>/metrics</c> scrape; traces and metrics are pushed over OTLP only when an endpoint is named.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Platform:Telemetry";

    /// <summary>
    /// The OTLP collector (for example <c>http://127.0.0.1:4318</c> with <see cref="OtlpProtocol"/> <c>http</c>, or
    /// <c>:4317</c> with <c>grpc</c>). Unset: nothing is pushed, and grain calls carry no trace context.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (OTLP's default) or <c>http</c> (protobuf over HTTP).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Serve the Prometheus scrape endpoint <c>/metrics</c> to operators (on by default).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// Label the platform's own series with the workspace id. Off by default: a label per workspace multiplies the
    /// series a metrics store keeps, and whoever reads the metrics learns which workspaces are active and how much.
    /// </summary>
    public bool WorkspaceLabel { get; set; }

    /// <summary>Whether telemetry is pushed over OTLP: an endpoint is named and it is one the validator accepts.</summary>
    public bool ExportsOtlp => OtlpEndpoint is { } endpoint && IsUsableEndpoint(endpoint) && OtlpProtocol is "grpc" or "http";

    /// <summary>The <c>service.name</c> every span and series carries.</summary>
    public string ServiceName { get; set; } = "platform";

    /// <summary>An absolute http or https URL without credentials (a collector's token belongs in a header, not a log line).</summary>
    internal static bool IsUsableEndpoint(Uri endpoint) =>
        endpoint.IsAbsoluteUri && endpoint.Scheme is "http" or "https" && string.IsNullOrEmpty(endpoint.UserInfo);
}
