using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;

namespace Platform.Testing;

/// <summary>
/// Finds <c>tests/TestSupport/oidc</c> and makes sure its <c>node_modules</c> match the committed lock file, running
/// <c>npm ci</c> at most once at a time across test processes (they share the folder), so a fresh clone needs no
/// manual step before <c>dotnet test</c>.
/// </summary>
internal static class OidcProviderInstall
{
    private const string FolderMetadataKey = "OidcProviderDirectory";
    private const string Marker = ".platform-lock-sha256";

    /// <summary>The folder holding <c>provider.mjs</c>, installed and ready for <c>node</c>.</summary>
    public static async Task<string> EnsureInstalledAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var folder = FindFolder();
        var lockHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(folder, "package-lock.json"), cancellationToken)));
        if (IsInstalled(folder, lockHash))
        {
            return folder;
        }

        // A named mutex is a cross-process lock on Linux and Windows alike, and waiting on it needs no polling. Mutexes
        // belong to a thread, so the whole install runs on one.
        await Task.Factory.StartNew(() => InstallUnderLock(folder, lockHash, timeout), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return folder;
    }

    private static void InstallUnderLock(string folder, string lockHash, TimeSpan timeout)
    {
        var name = "platform-oidc-npm-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..16];
        using var mutex = new Mutex(false, name);
        try
        {
            if (!mutex.WaitOne(timeout))
            {
                throw new TimeoutException($"Waited {timeout} for another test process to finish 'npm ci' in {folder}.");
            }
        }
        catch (AbandonedMutexException)
        {
            // The previous holder died mid-install; we own the mutex now and npm ci starts from scratch anyway.
        }

        try
        {
            if (!IsInstalled(folder, lockHash))
            {
                RunNpmCi(folder, timeout);
                File.WriteAllText(Path.Combine(folder, "node_modules", Marker), lockHash);
            }
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    }

    private static bool IsInstalled(string folder, string lockHash)
    {
        var marker = Path.Combine(folder, "node_modules", Marker);
        return File.Exists(marker) && File.ReadAllText(marker) == lockHash;
    }

    private static void RunNpmCi(string folder, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["ci", "--no-audit", "--no-fund"])
        {
            start.ArgumentList.Add(argument);
        }

        Process npm;
        try
        {
            npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The OAuth tests need Node.js and npm on PATH (scripts/test.sh checks for them).", e);
        }

        using (npm)
        {
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEndAsync();
            if (!npm.WaitForExit(timeout))
            {
                npm.Kill(entireProcessTree: true);
                throw new TimeoutException($"'npm ci' in {folder} did not finish within {timeout}.");
            }

            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"'npm ci' in {folder} failed with exit code {npm.ExitCode}:\n{output.Result}\n{error.Result}");
            }
        }
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
