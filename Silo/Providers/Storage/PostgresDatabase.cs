using System.Net.Sockets;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using Npgsql;

namespace Platform.Silo.Storage;

/// <summary>
/// The PostgreSQL data source shared by grain storage, the reminder table and the journal: creates the schema once and turns
/// connection-level failures into a fast <see cref="StorageUnavailableException"/> that names host:port, never the password.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    public const string ProviderName = "postgres";

    private const string RequiredTablesSql = """
        SELECT t FROM unnest(ARRAY['grain_state', 'reminders', 'journal', 'membership_versions', 'membership']) AS t
        WHERE to_regclass(t) IS NULL;
        """;

    // One source for the nodes and for operators who apply it themselves: the file is in the repository and embedded here.
    private static readonly Lazy<string> SchemaSql = new(static () =>
    {
        using var stream = typeof(PostgresDatabase).Assembly.GetManifestResourceStream("Platform.Silo.Storage.PostgresSchema.sql")
            ?? throw new InvalidOperationException("The PostgreSQL schema is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresDatabase> _logger;
    private readonly string? _password;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    public PostgresDatabase(IOptions<PostgresStorageOptions> options, ILogger<PostgresDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        Options = options.Value;
        var builder = new NpgsqlDataSourceBuilder(Options.ConnectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.Timeout = Options.ConnectTimeoutSeconds;
        settings.CommandTimeout = Options.CommandTimeoutSeconds;
        _password = settings.Password;
        Endpoint = $"{settings.Host ?? "localhost"}:{settings.Port}";
        Location = $"{Endpoint}/{settings.Database ?? settings.Username ?? ""}";
        _dataSource = builder.Build();
    }

    public PostgresStorageOptions Options { get; }

    /// <summary>host:port, for messages; the connection string itself may carry a password.</summary>
    public string Endpoint { get; }

    /// <summary>host:port/database, for logs.</summary>
    public string Location { get; }

    /// <summary>
    /// Creates the tables under an advisory lock, because concurrent <c>CREATE TABLE IF NOT EXISTS</c> can still collide;
    /// or, when the operator applies the schema, checks that it is there.
    /// </summary>
    public async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                if (Options.ApplySchema)
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (var command = new NpgsqlCommand(SchemaSql.Value, connection, transaction))
                    {
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await EnsureTablesExistAsync(connection, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                throw Unavailable(ex);
            }

            _initialized = true;
            _logger.StorageReady(ProviderName, Location);
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>With <see cref="PostgresStorageOptions.ApplySchema"/> off: refuses to start on a database the operator's schema has not reached.</summary>
    private static async Task EnsureTablesExistAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(RequiredTablesSql, connection);
        var missing = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                missing.Add(reader.GetString(0));
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Silo:Postgres:ApplySchema is false but the database lacks the table(s) {string.Join(", ", missing)}: apply Silo/Providers/Storage/PostgresSchema.sql, or set ApplySchema to true.");
        }
    }

    /// <summary>Opens a pooled connection, failing fast with <see cref="StorageUnavailableException"/> when the server is unreachable.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>Whether <paramref name="exception"/> means the server or the connection is gone, rather than one bad statement.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StorageUnavailableException => true,
        PostgresException postgres => IsUnavailableState(postgres.SqlState),
        NpgsqlException => true,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Wraps a connection-level failure. The pool is cleared because its idle connections died with the server;
    /// without that the first calls after a restart would fail again on them.
    /// </summary>
    public StorageUnavailableException Unavailable(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is StorageUnavailableException unavailable)
        {
            return unavailable;
        }

        _dataSource.Clear();
        var reason = Scrub(Describe(exception));
        _logger.StorageUnavailable(ProviderName, Location, reason);
        // Npgsql's exception stays out of it: Orleans serializes inner exceptions, has no codec for Npgsql's types, and
        // a caller outside the silo would get CodecNotFoundException instead of this (and the gateway no 503). The
        // message carries the scrubbed reason, which is also logged above.
        return new StorageUnavailableException($"PostgreSQL storage is unavailable: {Endpoint}: {reason}");
    }

    /// <summary>
    /// Runs <paramref name="operation"/>, and once more on a fresh connection if it failed at the connection level:
    /// idle pooled connections die silently with a server restart, and the first call after one should not fail for it.
    /// Only for operations that are safe to repeat; the second failure is reported as <see cref="StorageUnavailableException"/>.
    /// </summary>
    public async Task<T> WithReconnectAsync<T>(Func<Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            _dataSource.Clear();
        }

        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>Drops every pooled connection, for callers that retry after a connection-level failure.</summary>
    public void ClearPool() => _dataSource.Clear();

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _initLock.Dispose();
    }

    public void Dispose()
    {
        _dataSource.Dispose();
        _initLock.Dispose();
    }

    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || sqlState.StartsWith("28", StringComparison.Ordinal) // invalid authorization
        || sqlState is "57P01" or "57P02" or "57P03" // admin shutdown, crash shutdown, cannot connect now
            or "53300" // too many connections
            or "3D000"; // database does not exist

    private static string Describe(Exception exception)
    {
        if (exception is PostgresException postgres)
        {
            return $"{postgres.SqlState} {postgres.MessageText}";
        }

        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return ReferenceEquals(innermost, exception) ? exception.Message : $"{exception.Message} ({innermost.Message})";
    }

    // Defence in depth: no known Npgsql message carries the password, but one that did must not reach a log or a caller.
    private string Scrub(string text) =>
        string.IsNullOrEmpty(_password) ? text : text.Replace(_password, "***", StringComparison.Ordinal);
}
