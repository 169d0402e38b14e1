using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Workspaces;

public sealed class SqliteWorkspaceRegistryGrainTests : WorkspaceRegistryGrainTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-sqlite-").FullName;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }

        base.Dispose(disposing);
    }

    protected override Task<Action<IServiceCollection>> StoreAsync() =>
        Task.FromResult<Action<IServiceCollection>>(services => services.AddSqliteGrainStorage(o => o.DataDirectory = _directory));
}
