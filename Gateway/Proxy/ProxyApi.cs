using System.Collections.Immutable;
using System.Text.Json;

using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Models;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Gateway.Proxy;

/// <summary>
/// The OpenAI-compatible endpoint, for partners' and customers' own applications: <c>POST /v1/chat/completions</c> and
/// <c>GET /v1/models</c> (and <c>/v1/models/{id}</c>), authenticated with a workspace key holding the <c>proxy</c> scope. Its errors use OpenAI's
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
        v1.MapGet("/models", ListModelsAsync).WithName("ListModels").WithSummary("The operator's catalogue models this workspace may use (OpenAI wire format); an id is what a completion sends as model.");
        v1.MapGet("/models/{id}", GetModelAsync).WithName("GetModel").WithSummary("One catalogue model this workspace may use (OpenAI wire format), or 404 model_not_found.");
        return routes;
    }

    private static async Task ListModelsAsync(HttpContext context, IGrainFactory grains)
    {
        var models = await WorkspaceModelsAsync(context, grains);
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var model in models)
        {
            WriteModel(json, model);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static async Task GetModelAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var models = await WorkspaceModelsAsync(context, grains);
        if (models.FirstOrDefault(m => m.Id == id) is not { } model)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, OpenAiError.InvalidRequest, $"The model '{id}' does not exist or this workspace may not use it; GET /v1/models lists the models it may use.", "model", "model_not_found");
            return;
        }

        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        WriteModel(json, model);
    }

    // The operator's catalogue entries this workspace may use; their ids are what a client sends as "model".
    private static Task<ImmutableArray<CatalogEntry>> WorkspaceModelsAsync(HttpContext context, IGrainFactory grains) =>
        grains.GetGrain<IWorkspaceGrain>(context.User.FindFirst(PlatformClaims.WorkspaceId)!.Value).GetModelsAsync();

    private static void WriteModel(Utf8JsonWriter json, CatalogEntry model)
    {
        json.WriteStartObject();
        json.WriteString("id", model.Id);
        json.WriteString("object", "model");
        json.WriteNumber("created", (model.CreatedAt ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds());
        json.WriteString("owned_by", model.Provider);
        json.WriteEndObject();
    }
}
