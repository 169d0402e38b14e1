using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

using Platform.Silo.Diagnostics;
using Platform.Silo.Journal;
using Platform.Silo.Storage;

namespace Platform.Silo.Tests.Storage;

public sealed class StorageRegistrationTests
{
    [Fact]
    public void Sqlite_registration_provides_storage_reminders_journal_initializers_and_metrics()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSqliteGrainStorage(static o => o.DataDirectory = Path.GetTempPath());
        using var host = builder.Build();

        Assert.Equal("sqlite", host.Services.GetRequiredService<IGrainStateStore>().ProviderName);
        Assert.NotNull(host.Services.GetRequiredService<IReminderTable>());
        Assert.NotNull(host.Services.GetRequiredService<IJournalStorage>());
        Assert.Equal(3, host.Services.GetServices<IStorageInitializer>().Count());
        Assert.NotNull(host.Services.GetRequiredService<SiloMetrics>());
        AssertOrleansGrainStorageRegistered(builder.Services);
    }

    [Fact]
    public void Postgres_registration_provides_storage_reminders_journal_and_initializers_without_connecting()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPostgresGrainStorage(static o => o.ConnectionString = "Host=127.0.0.1;Port=1;Username=u;Password=p");
        using var host = builder.Build();

        Assert.Equal("postgres", host.Services.GetRequiredService<IGrainStateStore>().ProviderName);
        Assert.NotNull(host.Services.GetRequiredService<IReminderTable>());
        Assert.NotNull(host.Services.GetRequiredService<IJournalStorage>());
        Assert.Equal(3, host.Services.GetServices<IStorageInitializer>().Count());
        AssertOrleansGrainStorageRegistered(builder.Services);
    }

    [Fact]
    public void Options_bind_from_the_silo_configuration_section()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Silo:Sqlite:FileName"] = "from-config.db";
        builder.Configuration["Silo:Postgres:ConnectTimeoutSeconds"] = "3";
        builder.Services.AddSqliteGrainStorage().AddPostgresGrainStorage(static o => o.ConnectionString = "Host=localhost");
        using var host = builder.Build();

        Assert.Equal("from-config.db", host.Services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.FileName);
        Assert.Equal(3, host.Services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.ConnectTimeoutSeconds);
    }

    [Fact]
    public async Task Host_with_invalid_storage_options_refuses_to_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPostgresGrainStorage(static o => o.MaxWriteBatch = 0);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(nameof(PostgresStorageOptions.ConnectionString), failure.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(PostgresStorageOptions.MaxWriteBatch), failure.Message, StringComparison.Ordinal);
    }

    // Orleans looks grain storage up both ways: unkeyed for [PersistentState] without a provider, keyed "Default" by name.
    // Resolving it needs a silo (the activation accessor), so the registrations are checked, not resolved.
    private static void AssertOrleansGrainStorageRegistered(IServiceCollection services)
    {
        Assert.Contains(services, static d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, Orleans.Providers.ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        Assert.Contains(services, static d => d.ServiceType == typeof(IGrainStorage) && !d.IsKeyedService);
    }
}
