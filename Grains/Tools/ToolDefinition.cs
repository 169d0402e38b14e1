using System.Text.Json;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Tools;

/// <summary>A tool the agent may call: its name, how far it reaches, and the JSON schema its arguments must satisfy.</summary>
/// <param name="Name">The tool's name, e.g. <c>email.send</c>.</param>
/// <param name="Description">What it does, for the model.</param>
/// <param name="Class">How far it reaches, which decides whether a human must approve it.</param>
/// <param name="ParametersSchema">A JSON schema (object, with <c>additionalProperties: false</c>).</param>
public sealed record ToolDefinition(string Name, string Description, ToolClass Class, JsonElement ParametersSchema);
