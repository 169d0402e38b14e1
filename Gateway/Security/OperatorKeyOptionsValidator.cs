using Microsoft.Extensions.Options;

namespace Platform.Gateway.Security;

/// <summary>
/// Refuses at start a configured operator key that could never be presented: shorter than 32 characters, or without
/// the <c>op_</c> prefix the authentication handler looks for. The message names the setting and the rule, never the key.
/// </summary>
internal sealed class OperatorKeyOptionsValidator : IValidateOptions<OperatorKeyOptions>
{
    public const int MinimumLength = 32;
    public const string Prefix = "op_";

    public ValidateOptionsResult Validate(string? name, OperatorKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = options.OperatorKey;
        if (string.IsNullOrEmpty(key))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (key.Length < MinimumLength)
        {
            failures.Add($"Platform:OperatorKey must be at least {MinimumLength} characters; the configured one has {key.Length}.");
        }

        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            failures.Add($"Platform:OperatorKey must begin with '{Prefix}'; the configured one does not.");
        }

        if (key.Any(char.IsWhiteSpace))
        {
            failures.Add("Platform:OperatorKey must not contain whitespace.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Platform:DataDirectory must not be empty.");
        }

        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(failures.Append("Leave Platform:OperatorKey unset to have one generated and kept in Platform:DataDirectory."));
    }
}
