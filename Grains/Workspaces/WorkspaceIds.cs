using System.Security.Cryptography;

namespace Platform.Grains.Workspaces;

/// <summary>Workspace and key ids: random, fixed-shape, so they can be validated before any grain is touched.</summary>
public static class WorkspaceIds
{
    /// <summary>A new workspace id: <c>ws</c> and 20 lower-case hex digits.</summary>
    public static string NewWorkspaceId() => "ws" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    /// <summary>A new key id: 12 lower-case hex digits.</summary>
    public static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>Whether <paramref name="id"/> has the shape of a workspace id.</summary>
    public static bool IsValid(string? id) => id is { Length: 22 } && id.StartsWith("ws", StringComparison.Ordinal) && LowerHex.Is(id.AsSpan(2));

    /// <summary>Whether <paramref name="id"/> has the shape of a key id.</summary>
    public static bool IsValidKeyId(string? id) => id is { Length: 12 } && LowerHex.Is(id);

}
