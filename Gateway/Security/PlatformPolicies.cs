using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Security;

/// <summary>Authorization policy names: the operator, or a workspace key holding one scope.</summary>
internal static class PlatformPolicies
{
    public const string Operator = "operator";

    public static string Scope(ApiKeyScope scope) => $"scope:{scope}";
}
