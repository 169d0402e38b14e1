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
}
