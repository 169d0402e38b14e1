using System.ComponentModel.DataAnnotations;

namespace Platform.Silo.Storage;

/// <summary>Production storage: PostgreSQL, the source of truth when the platform runs on several machines.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>An Npgsql connection string.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

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
