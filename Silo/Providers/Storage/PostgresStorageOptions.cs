using System.ComponentModel.DataAnnotations;

namespace Platform.Silo.Storage;

/// <summary>Production storage: PostgreSQL, the source of truth when the platform runs on several machines.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>An Npgsql connection string; from the environment (<c>Silo__Postgres__ConnectionString</c>) or <see cref="ConnectionStringFile"/>.</summary>
    [Required(ErrorMessage = "Silo:Postgres:ConnectionString (or Silo:Postgres:ConnectionStringFile) is required when PostgreSQL holds the platform's data.")]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// A file holding the connection string (a mounted secret), read at start when <see cref="ConnectionString"/> is
    /// empty. The string itself is never logged; messages name only host, port and database.
    /// </summary>
    public string ConnectionStringFile { get; set; } = "";

    /// <summary>
    /// Whether each node creates the schema (<c>PostgresSchema.sql</c>) at start. Off for operators who apply schema
    /// changes themselves with a role that may; a node then only checks that the tables exist and refuses to start if not.
    /// </summary>
    public bool ApplySchema { get; set; } = true;

    /// <summary>The most writes committed together in one transaction (group commit).</summary>
    [Range(1, 10_000)]
    public int MaxWriteBatch { get; set; } = 256;

    /// <summary>Seconds to wait for a connection; short, so calls fail fast while the server is down. Overrides the connection string's <c>Timeout</c>.</summary>
    [Range(1, 120)]
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds a single statement or batch may run before it is abandoned. Overrides the connection string's <c>Command Timeout</c>.</summary>
    [Range(1, 3600)]
    public int CommandTimeoutSeconds { get; set; } = 30;
}
