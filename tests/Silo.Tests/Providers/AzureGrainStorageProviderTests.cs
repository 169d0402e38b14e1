using Microsoft.Extensions.DependencyInjection;

namespace Platform.Silo.Tests.Providers;

public sealed class AzureGrainStorageProviderTests(AzureProviderFixture fixture) : GrainStorageProviderContractTests(fixture), IClassFixture<AzureProviderFixture>
{
    [Fact]
    public async Task Reminders_live_in_azure_table_storage_too()
    {
        var table = Fixture.Services.GetRequiredService<IReminderTable>();
        var grain = NewGrain();
        var ct = TestContext.Current.CancellationToken;

        var etag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "tick", StartAt = new DateTime(2026, 1, 1, 0, 5, 0, DateTimeKind.Utc), Period = TimeSpan.FromMinutes(5) }, ct);
        var row = await table.ReadRow(grain, "tick", ct);

        // Silo:Storage=azure keeps reminders beside grain state, not in the SQLite file that holds the journal.
        Assert.StartsWith("Azure", table.GetType().Name, StringComparison.Ordinal);
        Assert.Equal(etag, row?.ETag);
        Assert.Equal(TimeSpan.FromMinutes(5), row?.Period);
        Assert.True(await table.RemoveRow(grain, "tick", etag!, ct));
        Assert.Null(await table.ReadRow(grain, "tick", ct));
    }
}
