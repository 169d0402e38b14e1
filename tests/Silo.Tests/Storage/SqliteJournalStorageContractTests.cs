namespace Platform.Silo.Tests.Storage;

public sealed class SqliteJournalStorageContractTests : JournalStorageContractTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("silo-journal-");

    protected override Task<StorageHost> StartHostAsync() => StorageHost.StartSqliteAsync(_directory.FullName);

    protected override ValueTask CleanUpAsync()
    {
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}
