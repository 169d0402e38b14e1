using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Grains.Connectors;
using Platform.Grains.Egress;
using Platform.Grains.Models;
using Platform.Grains.Secrets;
using Platform.Grains.Tools;

namespace Platform.Grains;

/// <summary>Registers model access and the tools.</summary>
public static class ModelsAndToolsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IChatClientProvider"/> (<c>local</c> and <c>openai</c>; section <c>Platform:Models:OpenAI</c>), the operator's model catalogue (<c>Platform:Models:Catalog</c>),
    /// <see cref="IToolCatalog"/> and <see cref="IToolRunner"/> (sections <c>Platform:Smtp</c> and
    /// <c>Platform:Webhooks</c>; webhooks reach a non-public address only if <c>Platform:Egress</c> allows it). Options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddPlatformModelsAndTools(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OpenAIModelOptions>().Bind(configuration.GetSection("Platform:Models:OpenAI")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenAIModelOptions>, OpenAIModelOptionsValidator>());
        services.AddOptions<ModelCatalogOptions>().Bind(configuration.GetSection(ModelCatalogOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelCatalogOptions>, ModelCatalogOptionsValidator>());
        services.TryAddSingleton<ModelCatalogCache>();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection("Platform:Smtp")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection("Platform:Webhooks")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChatClientProvider, ChatClientProvider>();
        services.TryAddSingleton<IToolCatalog, ToolCatalog>();
        services.TryAddSingleton<SmtpMailSender>();
        services.TryAddSingleton<WebhookPoster>();
        services.TryAddSingleton<IToolRunner, ToolRunner>();
        services.AddOptions<EgressOptions>().Bind(configuration.GetSection(EgressOptions.SectionName));
        services.AddOptions<SecretsOptions>().Bind(configuration.GetSection(SecretsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>());
        // The guarded handler refuses private destinations after DNS, and also refuses redirects: a redirect would
        // let an allowlisted URL send the post somewhere the allowlist never named.
        services.AddGuardedHttpClient(WebhookPoster.ClientName)
            .ConfigureHttpClient(static (sp, client) => client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout);
        services.AddPlatformConnectors(configuration);
        return services;
    }
}
