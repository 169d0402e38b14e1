using System.Globalization;


namespace Platform.StorageCrashProbe;

/// <summary>What the probe writes for acknowledgement <c>n</c>; the durability test compiles this file too and reads the same names back.</summary>
internal static class CrashProbe
{
    public const string StateName = "probe";

    public static GrainId Grain(int n) => GrainId.Create("crash-probe", n.ToString(CultureInfo.InvariantCulture));

    public static string Value(int n) => $"value-{n}";
}
