using Microsoft.Extensions.Options;

namespace Platform.Silo.Storage;

/// <summary>
/// Reads <see cref="PostgresStorageOptions.ConnectionStringFile"/> into the connection string when none is set, so an
/// operator can keep it in a mounted secret rather than in configuration or the environment.
/// </summary>
internal sealed class PostgresConnectionStringFile : IPostConfigureOptions<PostgresStorageOptions>
{
    public void PostConfigure(string? name, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConnectionString.Length > 0 || options.ConnectionStringFile.Length == 0)
        {
            return;
        }

        try
        {
            options.ConnectionString = File.ReadAllText(options.ConnectionStringFile).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The file's name is configuration, not a secret; what went wrong is the operating system's message.
            throw new OptionsValidationException(name ?? Options.DefaultName, typeof(PostgresStorageOptions), [$"Silo:Postgres:ConnectionStringFile '{options.ConnectionStringFile}' cannot be read: {ex.Message}"]);
        }
    }
}
