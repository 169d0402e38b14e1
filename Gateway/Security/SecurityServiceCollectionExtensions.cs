using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Security;

/// <summary>Authentication (API keys), one policy per scope and the operator's, and the workspace-bound grain factory.</summary>
internal static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddPlatformSecurity(this IServiceCollection services)
    {
        services.AddOptions<OperatorKeyOptions>().BindConfiguration("Platform").ValidateOnStart();
        services.AddSingleton<IValidateOptions<OperatorKeyOptions>, OperatorKeyOptionsValidator>();
        services.AddSingleton<OperatorKey>();
        services.AddHostedService<OperatorKeyStartup>();
        services.AddHttpContextAccessor();
        services.AddScoped<CallerWorkspace>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PlatformPolicies.Operator, p => p.RequireClaim(PlatformClaims.Operator));
        foreach (var scope in Enum.GetValues<ApiKeyScope>())
        {
            services.AddAuthorizationBuilder().AddPolicy(PlatformPolicies.Scope(scope), p => p
                .RequireClaim(PlatformClaims.WorkspaceId)
                .RequireClaim(PlatformClaims.Scope, scope.ToString()));
        }

        return services;
    }
}
