namespace Platform.Silo.Tests.Grains;

/// <summary>A provider an application might add after Orleans' own: it names <see cref="ICounterGrain"/> and nothing else.</summary>
internal sealed class OtherInterfaceTypeProvider : IGrainInterfaceTypeProvider
{
    public static readonly GrainInterfaceType CounterType = GrainInterfaceType.Create("platform-test.other-counter");

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        grainInterfaceType = type == typeof(ICounterGrain) ? CounterType : default;
        return type == typeof(ICounterGrain);
    }
}
