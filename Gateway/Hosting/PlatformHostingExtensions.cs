using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Platform.Gateway.Apis;
using Platform.Gateway.Errors;
using Platform.Gateway.Proxy;
using Platform.Gateway.Security;
using Platform.Silo.Hosting;

namespace Platform.Gateway.Hosting;

/// <summary>Wires the gateway: the silo with the platform's grains, security, limits, problem details and the API.</summary>
internal static class PlatformHostingExtensions
{
    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        // A co-hosted silo: the gateway's grain calls skip the network hop; with one node, membership is in memory.
        builder.AddPlatformSilo();
        builder.AddGatewayTelemetry();
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration("Platform:Gateway").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelLimits>();
        builder.Services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ForwardedHeadersSetup>();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            // Unknown fields are refused rather than ignored: a typo in a policy field must not silently do nothing.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;

            // As on /v1: with a key twice, the gateway and a later reader could each act on a different one.
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DomainExceptionHandler>();

        // Binding failures throw in every environment (not only Development), so DomainExceptionHandler words them.
        builder.Services.Configure<RouteHandlerOptions>(static options => options.ThrowOnBadRequest = true);

        // A refusal is the caller's mistake, answered in full: no stack trace in the log for it. Failures keep theirs.
        builder.Services.Configure<ExceptionHandlerOptions>(static options =>
            options.SuppressDiagnosticsCallback = static diagnostics => DomainExceptionHandler.IsExpected(diagnostics.Exception, diagnostics.HttpContext));
        builder.Services.AddPlatformSecurity();
        builder.Services.AddModelProxy();
        builder.Services.AddInvitations();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
                var partition = context.User.FindFirst(PlatformClaims.KeyId)?.Value
                    ?? (context.User.HasClaim(c => c.Type == PlatformClaims.Operator) ? "operator" : $"ip:{context.Connection.RemoteIpAddress}");
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.BurstPerKey,
                    TokensPerPeriod = limits.RequestsPerSecondPerKey,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = static async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                if (OpenAiError.Applies(context.HttpContext))
                {
                    await OpenAiError.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, OpenAiError.RateLimit, "This key's request rate is exceeded; retry after a second.");
                    return;
                }

                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "This key's request rate is exceeded; retry after a second." },
                });
            };
        });
        builder.Services.AddOpenApi(static options => options
            .AddDocumentTransformer<BearerSecurityScheme>()
            .AddOperationTransformer<BearerSecurityScheme>());
        builder.Services.AddHealthChecks()
            .AddCheck<GrainStorageHealthCheck>("grain-storage", HealthStatus.Unhealthy, ["ready"]);
        return builder;
    }

    public static WebApplication MapPlatform(this WebApplication app)
    {
        // Forwarded headers only from configured proxies (ForwardedHeadersSetup); with none, they are ignored.
        app.UseForwardedHeaders();
        app.UseMiddleware<ResponseHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusCodeResponses.WriteAsync);
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<TenantContextMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();

        // Liveness: the process and its silo answer. Readiness: storage answers too.
        // Probes are outside the rate limit: a flood of bad keys from the balancer's address must not make it look dead.
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).DisableRateLimiting();
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") }).DisableRateLimiting();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapApiReference();
        app.MapGatewayTelemetry();
        app.MapOperatorApi();
        app.MapClusterApi();
        app.MapModelCatalogApi();
        app.MapWorkspaceApi();
        app.MapInvitationsApi();
        app.MapAuditApi();
        app.MapEventsApi();
        app.MapApprovalsApi();
        app.MapBudgetApi();
        app.MapSecretsApi();
        app.MapConnectorsApi();
        app.MapRunsApi();
        app.MapProxyApi();
        return app;
    }
}
