namespace Platform.Grains.Interfaces.Security;

/// <summary>One data key version as an operator sees it.</summary>
/// <param name="Version">1, 2, 3, … within a workspace.</param>
/// <param name="KekId">The key-encryption key version that wraps it.</param>
/// <param name="CreatedAt">When it was created.</param>
[GenerateSerializer, Immutable, Alias("platform.DataKeyVersionInfo")]
public sealed record DataKeyVersionInfo(int Version, string KekId, DateTimeOffset CreatedAt);
