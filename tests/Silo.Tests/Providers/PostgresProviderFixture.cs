using Platform.Silo.Tests.Storage;

namespace Platform.Silo.Tests.Providers;

public sealed class PostgresProviderFixture(PostgresClusterFixture postgres) : ProviderFixture
{
    public override string Provider => "postgres";

    /// <summary>The database the silo stores into, for the crash probe to write to as well.</summary>
    public string ConnectionString { get; private set; } = "";

    protected override async Task<IDictionary<string, string?>> SettingsAsync()
    {
        ConnectionString = await postgres.Cluster.CreateDatabaseAsync("provider");
        return new Dictionary<string, string?> { ["Silo:Postgres:ConnectionString"] = ConnectionString };
    }
}
