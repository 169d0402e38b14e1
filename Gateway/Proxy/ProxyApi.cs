using System.Text.Json;

using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Silo;

namespace Platform.Gateway.Proxy;

/// <summary>
/// The OpenAI-compatible endpoint, for partners' and customers' own applications: <c>POST /v1/chat/completions</c> and
/// <c>GET /v1/models</c>, authenticated with a workspace key holding the <c>proxy</c> scope. Its errors use OpenAI's
/// shape rather than problem details, so the official clients report them.
/// </summary>
internal static class ProxyApi
{
    public static IEndpointRouteBuilder MapProxyApi(this IEndpointRouteBuilder routes)
    {
        var proxy = PlatformPolicies.Scope(ApiKeyScope.Proxy);
        var v1 = routes.MapGroup("/v1").WithTags("OpenAI-compatible").RequireAuthorization(proxy);
        v1.MapPost("/chat/completions", static (HttpContext context, ChatProxy chat) => chat.HandleAsync(context))
            .WithName("CreateChatCompletion")
            .WithSummary("Creates a chat completion (OpenAI wire format, streaming or not) within the workspace's budget and policy.")
            .Accepts<JsonElement>("application/json")
            .AddEndpointFilter(OpenAiJsonBody.RequireAsync);
        v1.MapGet("/models", ListModelsAsync).WithName("ListModels").WithSummary("The workspace's models (OpenAI wire format).");
        return routes;
    }

    private static async Task ListModelsAsync(HttpContext context, IGrainFactory grains)
    {
        var workspaceId = context.User.FindFirst(PlatformClaims.WorkspaceId)!.Value;
        var settings = await grains.GetGrain<IWorkspaceGrain>(workspaceId).GetProxySettingsAsync();
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        json.WriteStartObject();
        json.WriteString("id", settings.Model.Model);
        json.WriteString("object", "model");
        json.WriteNumber("created", settings.CreatedAt.ToUnixTimeSeconds());
        json.WriteString("owned_by", settings.Model.Provider);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
