namespace Platform.StorageCrashProbe;

/// <summary>The probe writes from no activation; the project's grain storage asks which one, to drop it on failure.</summary>
internal sealed class NoGrainContext : IGrainContextAccessor
{
    public IGrainContext GrainContext => null!;
}
