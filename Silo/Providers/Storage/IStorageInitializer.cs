namespace Platform.Silo.Storage;

/// <summary>
/// Creates a storage provider's schema. The silo host calls every registered initializer on start, so the first
/// grain call does not pay for it and a misconfigured store stops the host instead of failing calls one by one.
/// </summary>
public interface IStorageInitializer
{
    /// <summary>Creates the provider's tables when missing; safe to call any number of times, from several processes.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
