namespace Platform.Gateway.Security;

/// <summary>The claims an authenticated caller carries.</summary>
internal static class PlatformClaims
{
    public const string WorkspaceId = "platform:workspace";
    public const string KeyId = "platform:key";
    public const string UserId = "platform:user";
    public const string Scope = "platform:scope";
    public const string Role = "platform:role";
    public const string Operator = "platform:operator";
}
