namespace Platform.Security.Tests;

/// <summary>A throw-away data directory (key file and SQLite file) for one test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("platform-security-").FullName;
    }

    public string Path { get; }

    public string KeyFile => System.IO.Path.Combine(Path, "keys.json");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite handle still closing must not fail the test; the OS cleans temp later.
        }
    }
}
