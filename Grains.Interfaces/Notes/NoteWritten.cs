namespace Platform.Grains.Interfaces.Notes;

/// <summary>The answer to <see cref="INotesGrain.WriteAsync"/>.</summary>
/// <param name="NoteId">The note's id (the first call's, on a repeat).</param>
/// <param name="Created">False when the idempotency key had been seen and nothing was written.</param>
[GenerateSerializer, Immutable, Alias("platform.NoteWritten")]
public sealed record NoteWritten(string NoteId, bool Created);
