using Microsoft.Extensions.Options;

namespace Platform.Grains.Events;

/// <summary>Checks the broker's settings when the transport is RabbitMQ, saying what is accepted; nothing is checked for in-memory.</summary>
internal sealed class BusOptionsValidator : IValidateOptions<BusOptions>
{
    public ValidateOptionsResult Validate(string? name, BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.UsesRabbitMq)
        {
            return ValidateOptionsResult.Success;
        }

        var rabbit = options.RabbitMq;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(rabbit.Host))
        {
            failures.Add("Platform:Bus:RabbitMq:Host is required when Platform:Bus:Transport is 'rabbitmq' (a host name or address).");
        }

        if (rabbit.Port is < 1 or > 65535)
        {
            failures.Add("Platform:Bus:RabbitMq:Port must be between 1 and 65535.");
        }

        if (string.IsNullOrEmpty(rabbit.VirtualHost))
        {
            failures.Add("Platform:Bus:RabbitMq:VirtualHost must not be empty ('/' is the broker's default).");
        }

        if (string.IsNullOrWhiteSpace(rabbit.Username))
        {
            failures.Add("Platform:Bus:RabbitMq:Username is required when Platform:Bus:Transport is 'rabbitmq'.");
        }

        if (rabbit.Password.Length == 0)
        {
            failures.Add("Platform:Bus:RabbitMq:Password (or PasswordFile, a file holding it) is required when Platform:Bus:Transport is 'rabbitmq'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
