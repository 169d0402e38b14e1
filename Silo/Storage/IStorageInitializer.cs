namespace Platform.Silo.Storage;

/// <summary>A storage component that prepares its schema when the silo starts (idempotent).</summary>
public interface IStorageInitializer
{
    /// <summary>Creates tables and indexes that do not exist yet.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
