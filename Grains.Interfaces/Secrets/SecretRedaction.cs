using System.Collections.Immutable;
using Platform.Grains.Interfaces.Egress;

namespace Platform.Grains.Interfaces.Secrets;

/// <summary>Content with every secret value replaced by its handle, and what was replaced (names and encodings only).</summary>
[GenerateSerializer, Immutable, Alias("platform.SecretRedaction")]
public sealed record SecretRedaction(string Content, ImmutableArray<EgressFinding> Findings);
