using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;

namespace Platform.Silo.Tests.Providers;

/// <summary>
/// Finds <c>tests/Silo.Tests/azurite</c> and makes sure its <c>node_modules</c> match the committed lock file.
/// scripts/test.sh runs <c>npm ci</c> there before the suite; this runs it when a test is started some other way
/// (<c>dotnet test</c> on a fresh clone), once at a time across test processes, which share the folder.
/// </summary>
internal static class AzuriteInstall
{
    private const string FolderMetadataKey = "AzuriteDirectory";
    private const string Marker = ".platform-lock-sha256";

    /// <summary>The JavaScript entry point of Azurite's Table service, installed and ready for <c>node</c>.</summary>
    public static async Task<string> EnsureInstalledAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var folder = FindFolder();
        var lockHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(folder, "package-lock.json"), cancellationToken)));
        if (!IsInstalled(folder, lockHash))
        {
            // A named mutex is a cross-process lock; it belongs to a thread, so the install runs on one.
            await Task.Factory.StartNew(() => InstallUnderLock(folder, lockHash, timeout), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        return Path.Combine(folder, "node_modules", "azurite", "dist", "src", "table", "main.js");
    }

    private static void InstallUnderLock(string folder, string lockHash, TimeSpan timeout)
    {
        var name = "platform-azurite-npm-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..16];
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
            // The previous holder died mid-install; npm ci starts from scratch anyway.
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

    // scripts/test.sh writes the same marker after its npm ci, so either install is recognised by the other.
    private static bool IsInstalled(string folder, string lockHash)
    {
        var marker = Path.Combine(folder, "node_modules", Marker);
        return File.Exists(marker) && File.ReadAllText(marker).Trim() == lockHash;
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
            throw new InvalidOperationException("The Azure storage tests need Node.js and npm on PATH to run Azurite (scripts/test.sh installs them).", e);
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
