using Microsoft.Extensions.Options;

namespace Platform.Grains.Events;

/// <summary>
/// Reads <see cref="RabbitMqBusOptions.PasswordFile"/> into the password when none is set, so an operator can keep it in
/// a mounted secret rather than in configuration or the environment.
/// </summary>
internal sealed class RabbitMqPasswordFile : IPostConfigureOptions<BusOptions>
{
    public void PostConfigure(string? name, BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rabbit = options.RabbitMq;
        if (rabbit.Password.Length > 0 || rabbit.PasswordFile.Length == 0)
        {
            return;
        }

        try
        {
            rabbit.Password = File.ReadAllText(rabbit.PasswordFile).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The file's name is configuration, not a secret; what went wrong is the operating system's message.
            throw new OptionsValidationException(name ?? Options.DefaultName, typeof(BusOptions), [$"Platform:Bus:RabbitMq:PasswordFile '{rabbit.PasswordFile}' cannot be read: {ex.Message}"]);
        }
    }
}
