namespace Platform.Silo.Tests.Storage;

public sealed class SqliteGrainStateStoreContractTests : GrainStateStoreContractTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("silo-sqlite-");

    protected override Task<StorageHost> StartHostAsync() => StorageHost.StartSqliteAsync(_directory.FullName);

    protected override ValueTask CleanUpAsync()
    {
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}
