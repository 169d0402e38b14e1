using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Security;
using Platform.Grains.Interfaces.Audit;
using Platform.Grains.Interfaces.Models;

namespace Platform.Gateway.Apis;

/// <summary>
/// The operator's model catalogue: which models workspaces may choose and at what price. Operator key only; workspaces
/// see the entries they may use through <c>GET /v1/models</c> and choose one with <c>PATCH /api/workspace</c>.
/// </summary>
internal static class ModelCatalogApi
{
    private const string Actor = "operator";

    public static IEndpointRouteBuilder MapModelCatalogApi(this IEndpointRouteBuilder routes)
    {
        var catalog = routes.MapGroup("/api/catalog").RequireAuthorization(PlatformPolicies.Operator).WithTags("Model catalogue");
        catalog.MapGet("/models", ListAsync).WithName("ListCatalogModels");
        catalog.MapGet("/models/{id}", GetAsync).WithName("GetCatalogModel");
        catalog.MapPut("/models/{id}", PutAsync).WithName("PutCatalogModel");
        catalog.MapDelete("/models/{id}", DeleteAsync).WithName("DeleteCatalogModel");
        catalog.MapGet("/audit", ReadAuditAsync).WithName("ReadCatalogAudit");
        return routes;
    }

    public static async Task<Ok<ModelCatalogView>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(await Catalog(grains).GetAsync());

    public static async Task<Results<Ok<CatalogEntry>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        (await Catalog(grains).GetAsync()).Entries.FirstOrDefault(e => e.Id == id) is { } entry
            ? TypedResults.Ok(entry)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No model '{id}' in the catalogue; GET /api/catalog/models lists them.");

    public static async Task<Ok<CatalogEntry>> PutAsync(string id, PutCatalogEntryRequest request, IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entry = new CatalogEntry(
            id,
            request.Provider,
            request.Model,
            request.BaseUrl,
            request.InputPricePer1kTokens ?? throw Missing("inputPricePer1kTokens"),
            request.OutputPricePer1kTokens ?? throw Missing("outputPricePer1kTokens"),
            request.MaxOutputTokens ?? throw Missing("maxOutputTokens"),
            request.Workspaces);
        return TypedResults.Ok(await Catalog(grains).PutAsync(entry, Actor));
    }

    public static async Task<NoContent> DeleteAsync(string id, IGrainFactory grains)
    {
        await Catalog(grains).DeleteAsync(id, Actor);
        return TypedResults.NoContent();
    }

    /// <summary>Every change to the catalogue, in the operator's own hash-chained audit log.</summary>
    public static async Task<Ok<AuditPage>> ReadAuditAsync(IGrainFactory grains, long after = 0, int limit = 100)
    {
        if (after < 0)
        {
            throw new ArgumentException("after must not be negative.", nameof(after));
        }

        if (limit is < 1 or > 1000)
        {
            throw new ArgumentException("limit must be between 1 and 1000.", nameof(limit));
        }

        return TypedResults.Ok(await grains.GetGrain<IAuditLogGrain>(IModelCatalogGrain.Key).ReadAsync(after, limit));
    }

    private static IModelCatalogGrain Catalog(IGrainFactory grains) => grains.GetGrain<IModelCatalogGrain>(IModelCatalogGrain.Key);

    private static ArgumentException Missing(string field) =>
        new($"{field} is required: every catalogue entry states its prices and output limit (a missing price must not make a model free).", field);
}
