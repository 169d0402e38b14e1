using Microsoft.Extensions.DependencyInjection;
using Platform.Silo.Storage;

namespace Platform.Silo.Tests.Runtime;

public sealed class SqlitePersistenceTests : PersistenceTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("silo-persistence-").FullName;

    protected override Task<Action<IServiceCollection>> StoreAsync() =>
        Task.FromResult<Action<IServiceCollection>>(services => services.AddSqliteGrainStorage(o => o.DataDirectory = _directory));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
