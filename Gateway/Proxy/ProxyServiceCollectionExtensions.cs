using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Proxy;

/// <summary>Registers the OpenAI-compatible endpoint's services.</summary>
internal static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddModelProxy(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>());
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<StreamRelay>();
        services.AddSingleton<LocalModelResponder>();
        services.AddSingleton<ChatProxy>();
        return services;
    }
}
