using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Tests;

/// <summary>
/// The OpenAPI document against the server, generically over every operation (so endpoints added later are covered):
/// every documented body field is one the server reads, every required one is required, every other one is optional,
/// and every operation that needs a key says so through a declared bearer scheme.
/// </summary>
public sealed class OpenApiDocumentTests(SqliteApiFixture api) : IClassFixture<SqliteApiFixture>
{
    private const string OwnerUserId = "owner@acme.test";

    // Values a generic sample cannot guess: ids that must name something that exists.
    private static readonly Dictionary<string, JsonNode> s_knownValues = new(StringComparer.Ordinal)
    {
        ["userId"] = OwnerUserId,
    };

    [Fact]
    public async Task The_document_declares_a_bearer_scheme_and_every_operation_that_answers_401_without_a_key_lists_it()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        using var anonymous = api.Client();

        var checkedOperations = 0;
        foreach (var (method, path, operation) in Operations(document))
        {
            using var response = await HttpProbe.SendAsync(anonymous, new HttpMethod(method), Fill(path), method is "POST" or "PUT" or "PATCH" ? "{}" : null);
            var listsBearer = operation.TryGetProperty("security", out var security) && security.EnumerateArray().Any(r => r.TryGetProperty("bearer", out _));
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Assert.True(listsBearer, $"{method} {path} answers 401 without a key but lists no bearer security");
                checkedOperations++;
            }
            else
            {
                Assert.False(listsBearer, $"{method} {path} lists bearer security but answers {(int)response.StatusCode} without a key");
            }
        }

        Assert.True(checkedOperations >= 10, $"only {checkedOperations} operations were checked");
    }

    [Fact]
    public async Task Every_documented_body_field_is_one_the_server_reads()
    {
        var document = await DocumentAsync();
        var endpoints = api.Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        var json = api.Gateway.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        var checkedBodies = 0;
        foreach (var (method, path, operation) in Operations(document))
        {
            if (BodySchema(document, operation) is not { } schema || !operation.TryGetProperty("operationId", out var id))
            {
                continue;
            }

            var endpoint = endpoints.Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == id.GetString());
            var bodyType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            if (bodyType is null || bodyType == typeof(JsonElement))
            {
                continue;
            }

            var readable = json.GetTypeInfo(bodyType).Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var documented in Properties(schema))
            {
                Assert.True(readable.Contains(documented), $"{method} {path}: the document lists '{documented}', which the server does not read");
            }

            checkedBodies++;
        }

        Assert.True(checkedBodies >= 5, $"only {checkedBodies} bodies were checked");
    }

    [Fact]
    public async Task Each_required_body_field_is_required_by_the_server_and_each_optional_one_may_be_left_out()
    {
        var document = await DocumentAsync();
        var judged = 0;
        var unjudged = new List<string>();
        foreach (var (method, path, operation) in Operations(document))
        {
            if (BodySchema(document, operation) is not { } schema)
            {
                continue;
            }

            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
            var full = Sample(document, schema, depth: 0).AsObject();

            // Judged only where the full sample is accepted: then a 400 without a field is that field's doing.
            var (baseline, _) = await SendAsync(method, path, full);
            if (baseline is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType)
            {
                unjudged.Add($"{method} {path}");
                continue;
            }

            foreach (var field in Properties(schema))
            {
                var (status, detail) = await SendAsync(method, path, Without(full, field));
                if (required.Contains(field))
                {
                    Assert.True(status == HttpStatusCode.BadRequest, $"{method} {path}: '{field}' is documented as required, but leaving it out answered {(int)status}");
                }
                else
                {
                    Assert.False(status == HttpStatusCode.BadRequest, $"{method} {path}: '{field}' is documented as optional, but leaving it out answered 400: {detail}");
                }
            }

            judged++;
        }

        Assert.True(judged >= 5, $"only {judged} bodies could be judged; the samples were refused for {string.Join(", ", unjudged)}");
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(string method, string path, JsonObject body)
    {
        // Each probe gets a fresh workspace, so no probe sees another's changes (a deleted workspace, a spent budget).
        var (_, owner) = await api.CreateWorkspaceAsync(ownerUserId: OwnerUserId);
        using var client = api.Client();
        var text = body.ToJsonString();
        using var response = await HttpProbe.SendAsync(client, new HttpMethod(method), Fill(path), text, bearer: owner);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            using var asOperator = await HttpProbe.SendAsync(client, new HttpMethod(method), Fill(path), text, bearer: ApiFixture.OperatorKey);
            return (asOperator.StatusCode, await asOperator.Content.ReadAsStringAsync(HttpProbe.Ct));
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync(HttpProbe.Ct));
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = api.Client();
        using var response = await HttpProbe.SendAsync(client, HttpMethod.Get, "/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(HttpProbe.Ct)).RootElement.Clone();
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        where operation.Name is "get" or "post" or "put" or "patch" or "delete"
        select (operation.Name.ToUpperInvariant(), path.Name, operation.Value);

    // Path parameters get a well-formed value that names nothing; the probes are about bodies, not ids.
    private static string Fill(string path) => System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "probe1");

    private static JsonElement? BodySchema(JsonElement document, JsonElement operation) =>
        operation.TryGetProperty("requestBody", out var body)
        && body.GetProperty("content").TryGetProperty("application/json", out var json)
        && json.TryGetProperty("schema", out var schema)
        && Resolve(document, schema) is { } resolved
        && resolved.TryGetProperty("properties", out _)
            ? resolved
            : null;

    private static IEnumerable<string> Properties(JsonElement schema) =>
        schema.GetProperty("properties").EnumerateObject().Select(p => p.Name);

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
        }

        return schema;
    }

    private static JsonObject Without(JsonObject full, string field)
    {
        var copy = full.DeepClone().AsObject();
        copy.Remove(field);
        return copy;
    }

    /// <summary>A value the schema describes: every property of an object, the first of an enum, a plausible scalar.</summary>
    private static JsonNode Sample(JsonElement document, JsonElement schema, int depth, string name = "")
    {
        if (s_knownValues.TryGetValue(name, out var known))
        {
            return known.DeepClone();
        }

        schema = Resolve(document, schema);
        if (schema.TryGetProperty("enum", out var values) && values.EnumerateArray().FirstOrDefault(v => v.ValueKind != JsonValueKind.Null) is { ValueKind: not JsonValueKind.Undefined } first)
        {
            return JsonNode.Parse(first.GetRawText())!;
        }

        var types = !schema.TryGetProperty("type", out var type) ? [] : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
        if (types.Count == 0 && schema.TryGetProperty("properties", out _))
        {
            types.Add("object");
        }

        string[] preference = ["object", "array", "integer", "number", "boolean", "string"];
        var chosen = preference.FirstOrDefault(types.Contains) ?? "string";
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        return chosen switch
        {
            "object" when depth < 4 && schema.TryGetProperty("properties", out var properties) =>
                new JsonObject(properties.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, (JsonNode?)Sample(document, p.Value, depth + 1, p.Name)))),
            "object" => new JsonObject(),
            "array" when schema.TryGetProperty("items", out var items) => new JsonArray(Sample(document, items, depth + 1, name)),
            "array" => new JsonArray(),
            "integer" => JsonValue.Create(1000),
            "number" => JsonValue.Create(1.5),
            "boolean" => JsonValue.Create(false),
            _ when format == "date-time" => JsonValue.Create(DateTimeOffset.UtcNow.AddDays(30).ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            _ when format == "uri" => JsonValue.Create("https://example.com/probe"),
            _ => JsonValue.Create($"probe {name} value"),
        };
    }
}
