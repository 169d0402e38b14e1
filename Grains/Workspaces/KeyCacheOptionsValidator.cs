using Microsoft.Extensions.Options;

namespace Platform.Grains.Workspaces;

/// <summary>
/// Checks <see cref="KeyCacheOptions"/>'s attributes with code generated at build time (the reflection validator's
/// <c>TimeSpan</c> range is not safe when two hosts validate at once; see <c>SiloOptionsValidator</c>).
/// </summary>
[OptionsValidator]
internal sealed partial class KeyCacheOptionsValidator : IValidateOptions<KeyCacheOptions>;
