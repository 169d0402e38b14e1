namespace Platform.Grains;

/// <summary>Names this assembly for the silo builder (<c>AddGrains(typeof(GrainsAssembly).Assembly)</c>).</summary>
public static class GrainsAssembly;
