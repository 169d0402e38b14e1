using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Silo.Storage;

/// <summary>How grain state is serialized: plain JSON with enums by name, so an operator can read a stored row.</summary>
internal static class GrainStateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
