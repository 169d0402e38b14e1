namespace Platform.Grains.Interfaces.Notes;

/// <summary>A note to add.</summary>
/// <param name="IdempotencyKey">The tool call's idempotency key; a repeat with the same key is a no-op.</param>
/// <param name="Text">The note's text.</param>
[GenerateSerializer, Immutable, Alias("platform.NoteWrite")]
public sealed record NoteWrite(string IdempotencyKey, string Text);
