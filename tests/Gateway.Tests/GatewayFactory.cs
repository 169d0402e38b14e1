using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// The gateway in-process over the given settings, with a fake clock the test can move (for the platform only: Orleans'
/// own machinery keeps the real clock, see <see cref="TestClock"/>). Unless a setting says otherwise, its data (database,
/// key file, operator key) lives in a temp directory removed on dispose, and its co-hosted silo binds ports of its own so
/// gateways in parallel tests do not collide.
/// </summary>
public sealed class GatewayFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    private readonly string _defaultData = Directory.CreateTempSubdirectory("gateway-data-").FullName;

    private readonly Dictionary<string, string?> _ports = FreePorts.ForSilo();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Replaces services after the gateway registered its own (a recording event bus, say).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();

        // Pooled SQLite connections outlive the host; closing them first leaves nothing to touch the files mid-delete.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_defaultData, recursive: true);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Platform:DataDirectory", _defaultData);
        builder.UseSetting("Silo:Sqlite:DataDirectory", _defaultData);
        foreach (var (key, value) in _ports)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddTestClock(Time);
            TestServices?.Invoke(services);
        });
    }
}
