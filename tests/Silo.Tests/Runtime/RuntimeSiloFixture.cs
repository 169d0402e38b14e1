using Platform.Testing;

namespace Platform.Silo.Tests.Runtime;

/// <summary>One silo shared by the runtime tests of a collection; they run one after another, so its clock is theirs.</summary>
public sealed class RuntimeSiloFixture : IAsyncLifetime
{
    public SiloTestHost Silo { get; private set; } = null!;

    public IGrainFactory Grains => Silo.Grains;

    public async ValueTask InitializeAsync() => Silo = await SiloTestHost.StartAsync(typeof(RuntimeSiloFixture).Assembly);

    public ValueTask DisposeAsync() => Silo.DisposeAsync();
}
