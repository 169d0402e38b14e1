using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Runs;

public sealed class SqliteRunIndexGrainTests : RunIndexGrainTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("run-index-sqlite-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override Task<Action<IServiceCollection>> StoreAsync() =>
        Task.FromResult<Action<IServiceCollection>>(services => services.AddSqliteGrainStorage(o => o.DataDirectory = _directory));
}
