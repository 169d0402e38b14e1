namespace Platform.Silo.Storage;

/// <summary>
/// Builds Orleans' <see cref="InconsistentStateException"/> for a refused write, worded the same by every provider.
/// Orleans deactivates an activation that lets this exception escape, so the next call reads what storage holds.
/// </summary>
internal static class StateConflict
{
    public static InconsistentStateException Create(GrainId grainId, string stateName, string? expectedEtag, string? storedEtag) =>
        new(
            $"ETag conflict on state '{stateName}' of grain {grainId}: expected '{expectedEtag ?? "<none>"}', storage has '{storedEtag ?? "<none>"}'.",
            storedEtag ?? "",
            expectedEtag ?? "");
}
