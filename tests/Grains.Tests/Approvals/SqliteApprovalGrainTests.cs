using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Grains.Tests.Approvals;

public sealed class SqliteApprovalGrainTests : ApprovalGrainTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("approvals-sqlite-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override Task<Action<IServiceCollection>> StoreAsync() =>
        Task.FromResult<Action<IServiceCollection>>(services => services.AddSqliteGrainStorage(o => o.DataDirectory = _directory));
}
