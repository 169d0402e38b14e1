namespace Platform.StorageCrashProbe;

/// <summary>What the probe writes through Orleans' grain storage in <c>orleans</c> mode; the tests read it back the same way.</summary>
public sealed class CrashProbeState
{
    public string Value { get; set; } = "";
}
