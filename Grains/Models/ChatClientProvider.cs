using System.ClientModel;
using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Models;

/// <summary>
/// Chooses the client by <see cref="ModelSettings.Provider"/>: <c>local</c> (the rule-based stand-in, shared) or
/// <c>openai</c> (one adapter per base URL and model, cached because the underlying client is thread-safe and holds
/// the connection pool).
/// </summary>
public sealed class ChatClientProvider(IOptions<OpenAIModelOptions> options) : IChatClientProvider, IDisposable
{
    /// <summary>Where <c>openai</c> goes when a workspace names no base URL.</summary>
    public static readonly Uri DefaultOpenAIEndpoint = new("https://api.openai.com/v1");

    private readonly LocalRulesChatClient _local = new();
    private readonly ConcurrentDictionary<(Uri Endpoint, string Model), OpenAIChatClientAdapter> _openai = new();

    public IChatClient GetClient(ModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Provider switch
        {
            "local" => _local,
            "openai" => _openai.GetOrAdd((Endpoint(settings), settings.Model), Create),
            _ => throw new NotSupportedException($"Model provider '{settings.Provider}' is not supported; use 'local' or 'openai'."),
        };
    }

    public void Dispose()
    {
        _local.Dispose();
        foreach (var client in _openai.Values)
        {
            client.Dispose();
        }
    }

    private OpenAIChatClientAdapter Create((Uri Endpoint, string Model) key)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.ApiKey))
        {
            throw new InvalidOperationException("The 'openai' model provider needs Platform:Models:OpenAI:ApiKey.");
        }

        if (!settings.Allows(key.Endpoint))
        {
            throw new InvalidOperationException($"The model base URL '{key.Endpoint}' is not on Platform:Models:OpenAI:AllowedBaseUrls; the operator's key is sent only to servers listed there.");
        }

        var client = new ChatClient(key.Model, new ApiKeyCredential(settings.ApiKey), new OpenAIClientOptions
        {
            Endpoint = key.Endpoint,
            NetworkTimeout = settings.Timeout,
        });
        return new OpenAIChatClientAdapter(client, key.Model, key.Endpoint);
    }

    private static Uri Endpoint(ModelSettings settings)
    {
        if (string.IsNullOrEmpty(settings.BaseUrl))
        {
            return DefaultOpenAIEndpoint;
        }

        return Uri.TryCreate(settings.BaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException("The model base URL must be an absolute http(s) URL.", nameof(settings));
    }
}
