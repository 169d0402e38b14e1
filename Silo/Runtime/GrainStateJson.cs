using System.Text.Json;

namespace Platform.Silo.Runtime;

/// <summary>How grain state is serialized: plain JSON, so an operator can read a stored row.</summary>
internal static class GrainStateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
