using Microsoft.Extensions.Logging;

namespace Platform.Grains.Security;

/// <summary>Encryption log messages. Paths, key ids, workspace ids and version numbers only: never key bytes or plaintext.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Created key file {Path} with key-encryption key {KekId}; back it up: without it no workspace's data can be read")]
    public static partial void KeyFileCreated(ILogger logger, string path, string kekId);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Loaded key file {Path}: {Count} key-encryption keys, current {KekId}")]
    public static partial void KeyFileLoaded(ILogger logger, string path, int count, string kekId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Key file {Path}: new current key-encryption key {KekId}")]
    public static partial void KekRotated(ILogger logger, string path, string kekId);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Key file {Path}: retired key-encryption key {KekId}")]
    public static partial void KekRetired(ILogger logger, string path, string kekId);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Key Vault {VaultUri} secret {SecretName} had no versions: created key-encryption key {KekId}")]
    public static partial void KeyVaultSecretCreated(ILogger logger, Uri vaultUri, string secretName, string kekId);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Key Vault {VaultUri} secret {SecretName}: {Count} enabled key-encryption key versions, current {KekId}")]
    public static partial void KeyVaultLoaded(ILogger logger, Uri vaultUri, string secretName, int count, string kekId);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "Key Vault {VaultUri} secret {SecretName}: new current key-encryption key {KekId}")]
    public static partial void KeyVaultRotated(ILogger logger, Uri vaultUri, string secretName, string kekId);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "Key Vault {VaultUri} secret {SecretName}: disabled key-encryption key {KekId}")]
    public static partial void KeyVaultRetired(ILogger logger, Uri vaultUri, string secretName, string kekId);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Workspace {WorkspaceId}: data key version {Version} created under key-encryption key {KekId}")]
    public static partial void DataKeyCreated(ILogger logger, string workspaceId, int version, string kekId);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Workspace {WorkspaceId}: {Count} data key versions rewrapped under key-encryption key {KekId}")]
    public static partial void DataKeysRewrapped(ILogger logger, string workspaceId, int count, string kekId);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Workspace {WorkspaceId}: data key destroyed ({Count} versions); its encrypted data is unreadable from now on")]
    public static partial void DataKeyDestroyed(ILogger logger, string workspaceId, int count);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Information, Message = "Key-encryption key rotation to {KekId}: rewrapping workspaces ({Done} already done)")]
    public static partial void RotationRunning(ILogger logger, string kekId, int done);

    [LoggerMessage(EventId = 4122, Level = LogLevel.Information, Message = "Key-encryption key rotation to {KekId} complete; retired {PreviousKekId}")]
    public static partial void RotationCompleted(ILogger logger, string kekId, string? previousKekId);
}
