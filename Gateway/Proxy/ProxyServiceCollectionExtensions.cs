namespace Platform.Gateway.Proxy;

/// <summary>Registers the OpenAI-compatible endpoint's services.</summary>
internal static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddModelProxy(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<StreamRelay>();
        services.AddSingleton<LocalModelResponder>();
        services.AddSingleton<ChatProxy>();
        return services;
    }
}
