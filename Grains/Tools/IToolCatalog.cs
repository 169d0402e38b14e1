using System.Collections.Immutable;

namespace Platform.Grains.Tools;

/// <summary>The tools the platform offers, and the check every tool call passes before anything runs.</summary>
public interface IToolCatalog
{
    /// <summary>Every tool, for the model's tool list.</summary>
    ImmutableArray<ToolDefinition> Tools { get; }

    /// <summary>Validates a call's JSON arguments: unknown tool, extra fields and invalid values are refused.</summary>
    ToolValidation Validate(string tool, string argumentsJson);
}
