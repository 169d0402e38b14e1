using System.Diagnostics;
using System.Security.Cryptography;

namespace Platform.Testing;

/// <summary>
/// Makes a folder's <c>node_modules</c> match its committed <c>package-lock.json</c>, running <c>npm ci</c> at most
/// once at a time across test processes (they share the folder), so a fresh clone needs no manual step before
/// <c>dotnet test</c>. An install is recognised by a marker holding the lock file's hash, which scripts/test.sh writes
/// too after its own <c>npm ci</c>.
/// </summary>
public static class NpmFolderInstall
{
    private const string Marker = ".platform-lock-sha256";

    /// <summary>Installs <paramref name="folder"/>'s packages unless they match its lock file already.</summary>
    /// <param name="folder">A folder holding <c>package.json</c> and <c>package-lock.json</c>.</param>
    /// <param name="neededBy">Who needs Node.js and npm, for the error when they are missing (e.g. "The OAuth tests").</param>
    /// <param name="timeout">How long to wait for another process's install and for this one's.</param>
    /// <param name="cancellationToken">Cancels the wait before the install starts.</param>
    public static async Task EnsureInstalledAsync(string folder, string neededBy, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lockHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(folder, "package-lock.json"), cancellationToken)));
        if (IsInstalled(folder, lockHash))
        {
            return;
        }

        // A named mutex is a cross-process lock on Linux and Windows alike, and waiting on it needs no polling. Mutexes
        // belong to a thread, so the whole install runs on one.
        await Task.Factory.StartNew(() => InstallUnderLock(folder, lockHash, neededBy, timeout), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static void InstallUnderLock(string folder, string lockHash, string neededBy, TimeSpan timeout)
    {
        var name = "platform-npm-" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..16];
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
                RunNpmCi(folder, neededBy, timeout);
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

    private static void RunNpmCi(string folder, string neededBy, TimeSpan timeout)
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
            throw new InvalidOperationException($"{neededBy} need Node.js and npm on PATH (scripts/test.sh installs them).", e);
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
}
