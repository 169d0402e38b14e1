namespace Platform.Grains.Security;

/// <summary>Which <see cref="IKeyEncryptionKeyProvider"/> holds the KEKs (<c>Platform:Keys:Provider</c>).</summary>
public enum KeyProviderKind
{
    /// <summary>The embedded default: <see cref="LocalKeyFileProvider"/>.</summary>
    KeyFile,

    /// <summary>Versions of a Key Vault secret: <see cref="AzureKeyVaultKekProvider"/>.</summary>
    AzureKeyVault,
}
