using System.Reflection;

namespace Platform.Testing;

/// <summary>
/// Finds <c>tests/TestSupport/oidc</c> and makes sure its <c>node_modules</c> match the committed lock file
/// (<see cref="NpmFolderInstall"/>), so a fresh clone needs no manual step before <c>dotnet test</c>.
/// </summary>
internal static class OidcProviderInstall
{
    private const string FolderMetadataKey = "OidcProviderDirectory";

    /// <summary>The folder holding <c>provider.mjs</c>, installed and ready for <c>node</c>.</summary>
    public static async Task<string> EnsureInstalledAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var folder = FindFolder();
        await NpmFolderInstall.EnsureInstalledAsync(folder, "The OAuth tests", timeout, cancellationToken);
        return folder;
    }

    private static string FindFolder()
    {
        // The build records where the sources were; walking up from the test binaries covers a moved build tree.
        var recorded = typeof(OidcProviderInstall).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == FolderMetadataKey)?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "provider.mjs")))
        {
            return recorded;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "TestSupport", "oidc");
            if (File.Exists(Path.Combine(candidate, "provider.mjs")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/TestSupport/oidc/provider.mjs was not found (recorded: {recorded ?? "none"}, searched up from {AppContext.BaseDirectory}).");
    }
}
