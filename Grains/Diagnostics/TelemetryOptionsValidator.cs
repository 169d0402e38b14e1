using Microsoft.Extensions.Options;

namespace Platform.Grains.Diagnostics;

/// <summary>Refuses, at start-up, a telemetry setting that would silently export nothing or export somewhere unintended.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.OtlpEndpoint is { } endpoint && !TelemetryOptions.IsUsableEndpoint(endpoint))
        {
            failures.Add("Platform:Telemetry:OtlpEndpoint must be an absolute http:// or https:// URL without credentials (for example http://127.0.0.1:4317).");
        }

        if (options.OtlpProtocol is not ("grpc" or "http"))
        {
            failures.Add($"Platform:Telemetry:OtlpProtocol must be 'grpc' or 'http', not '{options.OtlpProtocol}'.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName) || options.ServiceName.Length > 64)
        {
            failures.Add("Platform:Telemetry:ServiceName must be 1 to 64 characters.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
