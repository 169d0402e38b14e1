using System.ComponentModel.DataAnnotations;

namespace Platform.Silo.Storage;

/// <summary>The embedded default: one SQLite database file (WAL, fully synchronous) under the data directory.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The directory holding <see cref="FileName"/>; created when missing.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>The database file name inside <see cref="DataDirectory"/>.</summary>
    [Required]
    public string FileName { get; set; } = "silo.db";

    /// <summary>The most writes committed together in one transaction (group commit: one fsync for the batch).</summary>
    [Range(1, 10_000)]
    public int MaxWriteBatch { get; set; } = 256;

    /// <summary>The database file's full path.</summary>
    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}
