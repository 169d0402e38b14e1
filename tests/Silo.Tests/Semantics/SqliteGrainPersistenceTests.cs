namespace Platform.Silo.Tests.Semantics;

public sealed class SqliteGrainPersistenceTests : GrainPersistenceTests
{
    protected override Task<IDictionary<string, string?>> StoreAsync() => Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());
}
