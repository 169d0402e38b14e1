using System.Collections.Immutable;
using System.Text.Json;

namespace Platform.Grains.Runs;

/// <summary>What a tool call would touch, listed on its approval request so the approver sees it before deciding.</summary>
public static class ToolAffects
{
    private static readonly string[] s_targetFields = ["to", "cc", "bcc", "url", "recipient", "recipients", "channel", "repository", "path"];

    public static ImmutableArray<string> Of(string tool, string canonicalArguments)
    {
        using var document = JsonDocument.Parse(canonicalArguments);
        var affects = ImmutableArray.CreateBuilder<string>();
        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in document.RootElement.EnumerateObject().Where(p => s_targetFields.Contains(p.Name, StringComparer.Ordinal)))
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    affects.Add($"{property.Name}: {property.Value.GetString()}");
                }
                else if (property.Value.ValueKind == JsonValueKind.Array)
                {
                    affects.AddRange(property.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => $"{property.Name}: {v.GetString()}"));
                }
            }
        }

        if (affects.Count == 0)
        {
            affects.Add($"{tool} in this workspace");
        }

        return affects.ToImmutable();
    }
}
