using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Silo.Storage;

/// <summary>
/// The one SQLite file shared by grain storage, the reminder table and the journal: opens tuned connections, creates the schema
/// once, and turns "cannot open / I/O" failures into <see cref="StorageUnavailableException"/>.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    public const string ProviderName = "sqlite";

    private const string SchemaSql = """
        CREATE TABLE IF NOT EXISTS grain_state (
            grain_type TEXT NOT NULL,
            grain_key TEXT NOT NULL,
            state_name TEXT NOT NULL,
            payload BLOB NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS reminders (
            grain_type TEXT NOT NULL,
            grain_key TEXT NOT NULL,
            name TEXT NOT NULL,
            due_at INTEGER NOT NULL,
            period_ms INTEGER NOT NULL,
            grain_hash INTEGER NULL,
            version INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (grain_type, grain_key, name)
        );
        -- A rowid table, unlike grain_state: WITHOUT ROWID suits small rows, and journal entries may be large.
        CREATE TABLE IF NOT EXISTS journal (
            stream TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            payload BLOB NOT NULL,
            PRIMARY KEY (stream, sequence)
        );
        """;

    private readonly ILogger<SqliteDatabase> _logger;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _initialized;

    public SqliteDatabase(IOptions<SqliteStorageOptions> options, ILogger<SqliteDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        Options = options.Value;
        DatabasePath = Options.DatabasePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public SqliteStorageOptions Options { get; }

    public string DatabasePath { get; }

    /// <summary>Creates the directory, switches the file to WAL and creates the tables; once per process unless it failed.</summary>
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

            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using (var wal = connection.CreateCommand())
                {
                    // WAL lets readers run beside the writer; the mode is stored in the file, so setting it once suffices.
                    wal.CommandText = "PRAGMA journal_mode=WAL;";
                    var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new StorageUnavailableException($"SQLite storage is unavailable: '{DatabasePath}' cannot use write-ahead logging (journal mode is '{mode}').");
                    }
                }

                using var schema = connection.CreateCommand();
                schema.CommandText = SchemaSql;
                await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await AddReminderRingColumnsAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (IsUnavailable(ex))
            {
                throw Unavailable(ex);
            }

            _initialized = true;
            _logger.StorageReady(ProviderName, DatabasePath);
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>
    /// Files written before the platform ran on Orleans have reminders without the ring hash and version Orleans'
    /// reminder service needs; the columns are added here and the hashes filled in by <c>SqliteReminderTable</c>.
    /// </summary>
    private static async Task AddReminderRingColumnsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('reminders') WHERE name = 'grain_hash';";
        if ((long)(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
        {
            using var alter = connection.CreateCommand();
            alter.CommandText = "ALTER TABLE reminders ADD COLUMN grain_hash INTEGER NULL; ALTER TABLE reminders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;";
            await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Each silo reads its range of the ring; without the index every refresh scans the table.
        using var index = connection.CreateCommand();
        index.CommandText = "CREATE INDEX IF NOT EXISTS reminders_grain_hash ON reminders (grain_hash);";
        await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a pooled connection with the durability settings every connection needs.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            if (!_initialized)
            {
                PrivateFiles.Prepare(DatabasePath);
            }
            else if (Path.GetDirectoryName(DatabasePath) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragmas = connection.CreateCommand();

            // synchronous=FULL: an acknowledged commit must survive power loss, not only a process crash.
            // busy_timeout: the reminder table and other processes may hold the write lock briefly.
            // secure_delete: freed pages are zeroed, so a destroyed workspace key does not linger in the file's free
            // pages (crypto-shredding); old WAL frames are overwritten as the WAL is reused after checkpoints.
            pragmas.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA secure_delete=ON;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is SqliteException sqlite ? IsUnavailable(sqlite) : ex is IOException or UnauthorizedAccessException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Unavailable(ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether <paramref name="exception"/> means the file cannot be used at all, rather than one bad statement.</summary>
    public static bool IsUnavailable(SqliteException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        const int Perm = 3, Busy = 5, Locked = 6, ReadOnly = 8, IoErr = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADb = 26;
        return (exception.SqliteErrorCode & 0xFF) is Perm or Busy or Locked or ReadOnly or IoErr or Corrupt or Full or CantOpen or NotADb;
    }

    /// <summary>Wraps a failure to use the file; the message names the path and SQLite's reason.</summary>
    public StorageUnavailableException Unavailable(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is StorageUnavailableException unavailable)
        {
            return unavailable;
        }

        var reason = exception is SqliteException sqlite ? $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}" : exception.Message;
        _logger.StorageUnavailable(ProviderName, DatabasePath, reason);
        return new StorageUnavailableException($"SQLite storage is unavailable: cannot use '{DatabasePath}' ({reason}).", exception);
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them so the directory can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _initLock.Dispose();
    }
}
