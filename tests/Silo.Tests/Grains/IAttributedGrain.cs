namespace Platform.Silo.Tests.Grains;

/// <summary>A grain interface that names its own type id, as <c>[GrainInterfaceType]</c> lets one do.</summary>
[GrainInterfaceType("platform-test.attributed")]
public interface IAttributedGrain : IGrainWithStringKey
{
    Task PingAsync();
}
