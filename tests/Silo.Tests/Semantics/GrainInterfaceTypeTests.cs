using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Silo.Hosting;
using Platform.Silo.Tests.Grains;

namespace Platform.Silo.Tests.Semantics;

/// <summary>
/// Grain interface ids are remembered rather than read from attributes on every <c>GetGrain</c>, and the remembered
/// answers are exactly Orleans' own, for every interface the platform has.
/// </summary>
public sealed class GrainInterfaceTypeTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("interface-types-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_silo_resolves_every_grain_interface_as_Orleans_does_through_the_memoizing_provider()
    {
        await using var cluster = await SemanticsCluster.StartAsync(_directory.FullName, silos: 1);
        var services = cluster.Services;
        var providers = services.GetServices<IGrainInterfaceTypeProvider>().ToList();
        var memoized = services.GetRequiredService<GrainInterfaceTypeResolver>();
        var plain = new GrainInterfaceTypeResolver([new AttributeGrainInterfaceTypeProvider(services)], services.GetRequiredService<TypeConverter>());

        Assert.IsType<MemoizedGrainInterfaceTypeProvider>(Assert.Single(providers));
        var interfaces = typeof(IWorkspaceGrain).Assembly.GetTypes()
            .Concat([typeof(ICounterGrain), typeof(IChainGrain), typeof(IAttributedGrain)])
            .Where(static t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
            .ToList();
        Assert.True(interfaces.Count > 10, $"only {interfaces.Count} grain interfaces found");
        foreach (var type in interfaces)
        {
            var expected = plain.GetGrainInterfaceType(type);
            Assert.Equal(expected, memoized.GetGrainInterfaceType(type));
            Assert.Equal(expected, memoized.GetGrainInterfaceType(type));
        }

        Assert.Equal("platform-test.attributed", memoized.GetGrainInterfaceType(typeof(IAttributedGrain)).ToString());
    }

    [Fact]
    public async Task A_reference_made_through_the_remembered_id_reaches_its_grain()
    {
        await using var cluster = await SemanticsCluster.StartAsync(_directory.FullName, silos: 1);

        Assert.Equal(1, await cluster.Grains.GetGrain<ICounterGrain>("remembered").IncrementAsync());
        Assert.Equal(2, await cluster.Grains.GetGrain<ICounterGrain>("remembered").IncrementAsync());
    }

    [Fact]
    public void A_provider_registered_after_Orleans_is_still_asked_for_interfaces_without_an_attribute()
    {
        var services = new ServiceCollection().AddSerializer();
        services.AddSingleton<IGrainInterfaceTypeProvider, AttributeGrainInterfaceTypeProvider>();
        services.AddSingleton<IGrainInterfaceTypeProvider, OtherInterfaceTypeProvider>();
        services.AddSingleton<GrainInterfaceTypeResolver>();
        services.MemoizeGrainInterfaceTypes();
        using var provider = services.BuildServiceProvider();
        var resolver = provider.GetRequiredService<GrainInterfaceTypeResolver>();

        Assert.Equal(OtherInterfaceTypeProvider.CounterType, resolver.GetGrainInterfaceType(typeof(ICounterGrain)));
        Assert.Equal(OtherInterfaceTypeProvider.CounterType, resolver.GetGrainInterfaceType(typeof(ICounterGrain)));
        Assert.Equal("platform-test.attributed", resolver.GetGrainInterfaceType(typeof(IAttributedGrain)).ToString());
        Assert.IsType<MemoizedGrainInterfaceTypeProvider>(provider.GetServices<IGrainInterfaceTypeProvider>().First());
    }
}
