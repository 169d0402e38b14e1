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

    private const string SchemaSql = """
        SELECT pg_advisory_xact_lock(7283910455);
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type text NOT NULL,
            grain_key text NOT NULL,
            state_name text NOT NULL,
            payload bytea NULL,
            version bigint NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name)
        );
        CREATE TABLE IF NOT EXISTS reminders (
            grain_type text NOT NULL,
            grain_key text NOT NULL,
            name text NOT NULL,
            due_at timestamptz NOT NULL,
            period_ms bigint NOT NULL,
            PRIMARY KEY (grain_type, grain_key, name)
        );
        -- Orleans' reminder service reads its range of the hash ring and removes by version; rows written before the
        -- platform ran on Orleans get the hash filled in by PostgresReminderTable.
        ALTER TABLE reminders ADD COLUMN IF NOT EXISTS grain_hash bigint NULL;
        ALTER TABLE reminders ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1;
        CREATE INDEX IF NOT EXISTS reminders_grain_hash ON reminders (grain_hash);
        CREATE TABLE IF NOT EXISTS journal (
            stream text NOT NULL,
            sequence bigint NOT NULL,
            payload bytea NOT NULL,
            PRIMARY KEY (stream, sequence)
        );
        """;

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

    /// <summary>Creates the tables under an advisory lock, because concurrent <c>CREATE TABLE IF NOT EXISTS</c> can still collide.</summary>
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
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var command = new NpgsqlCommand(SchemaSql, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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
        // Npgsql's exception is not kept as the inner one: this crosses to other silos and clients, and Orleans has no
        // codec for it (the caller would get CodecNotFoundException instead); the reason is in the message and the log.
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
