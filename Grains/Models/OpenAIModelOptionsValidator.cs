using Microsoft.Extensions.Options;

namespace Platform.Grains.Models;

/// <summary>
/// Checks <see cref="OpenAIModelOptions"/>'s attributes with code generated at build time. The reflection-based data-annotations
/// validator shares one <c>RangeAttribute</c> per property, and that attribute converts its <c>TimeSpan</c> bounds on first
/// use without a lock, so two hosts starting at once (parallel tests, two silos in one process) can fail with an
/// <c>InvalidCastException</c> (dotnet/runtime#1143); the generated validator's range check has no such race.
/// </summary>
[OptionsValidator]
internal sealed partial class OpenAIModelOptionsValidator : IValidateOptions<OpenAIModelOptions>;
