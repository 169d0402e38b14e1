namespace Platform.Silo.Storage;

/// <summary>
/// Keeps the SQLite file and its directory private to the account running the platform (0700 and 0600, like the key
/// file): they hold member emails and audit summaries. SQLite gives its -wal and -shm files the database file's mode,
/// so creating the database 0600 before SQLite opens it covers all three. On Windows the directory's ACL applies.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates the database's directory (0700) and an empty database file (0600) if missing; narrows existing ones.</summary>
    public static void Prepare(string databasePath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }

        try
        {
            // SQLite takes an empty file as a new database.
            using var created = new FileStream(databasePath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        }
        catch (IOException) when (File.Exists(databasePath))
        {
            // A database made by an earlier version may be 0644: narrow it and its companions.
            foreach (var path in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
            {
                if (File.Exists(path) && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
                {
                    File.SetUnixFileMode(path, OwnerOnlyFile);
                }
            }
        }
    }
}
