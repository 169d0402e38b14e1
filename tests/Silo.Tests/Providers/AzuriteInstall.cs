using System.Reflection;

using Platform.Testing;

namespace Platform.Silo.Tests.Providers;

/// <summary>
/// Finds <c>tests/Silo.Tests/azurite</c> and makes sure its <c>node_modules</c> match the committed lock file.
/// scripts/test.sh runs <c>npm ci</c> there before the suite; this runs it when a test is started some other way
/// (<c>dotnet test</c> on a fresh clone), once at a time across test processes, which share the folder.
/// </summary>
internal static class AzuriteInstall
{
    private const string FolderMetadataKey = "AzuriteDirectory";

    /// <summary>The JavaScript entry point of Azurite's Table service, installed and ready for <c>node</c>.</summary>
    public static async Task<string> EnsureInstalledAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var folder = FindFolder();
        await NpmFolderInstall.EnsureInstalledAsync(folder, "The Azure storage tests (Azurite)", timeout, cancellationToken);
        return Path.Combine(folder, "node_modules", "azurite", "dist", "src", "table", "main.js");
    }

    private static string FindFolder()
    {
        var recorded = typeof(AzuriteInstall).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(static a => a.Key == FolderMetadataKey)?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "package-lock.json")))
        {
            return recorded;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Silo.Tests", "azurite");
            if (File.Exists(Path.Combine(candidate, "package-lock.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/Silo.Tests/azurite/package-lock.json was not found (recorded: {recorded ?? "none"}, searched up from {AppContext.BaseDirectory}).");
    }
}
