using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Platform.Grains.Workspaces;

namespace Platform.Gateway.Apis;

/// <summary>Invitation settings, validated at start, and the rate limit of redemption.</summary>
internal static class InvitationsServiceCollectionExtensions
{
    public static IServiceCollection AddInvitations(this IServiceCollection services)
    {
        services.AddOptions<InvitationOptions>().BindConfiguration(InvitationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // A policy of its own (the global limiter still applies too): redemption needs no key, so the client address is
        // the only thing to count by, and a guesser gets a handful of tries a minute rather than the per-key rate.
        services.AddRateLimiter(options => options.AddPolicy(InvitationsApi.RedeemRateLimit, context =>
        {
            var permits = context.RequestServices.GetRequiredService<IOptions<InvitationOptions>>().Value.RedeemAttemptsPerMinute;
            return RateLimitPartition.GetFixedWindowLimiter($"redeem:{context.Connection.RemoteIpAddress}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        }));
        return services;
    }
}
