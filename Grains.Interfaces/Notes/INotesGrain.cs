using System.Collections.Immutable;

namespace Platform.Grains.Interfaces.Notes;

/// <summary>
/// A workspace's notes (key: workspace id), written and read by the agent's <c>notes.*</c> tools. Note text is stored
/// only encrypted with the workspace's data key, so the grain state (and the database row) holds ciphertext alone.
/// </summary>
[Alias("platform.INotesGrain")]
public interface INotesGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a note. A second call with the same <see cref="NoteWrite.IdempotencyKey"/> changes nothing and answers the
    /// first call's note, so a retried tool call never writes twice.
    /// </summary>
    Task<NoteWritten> WriteAsync(NoteWrite write);

    /// <summary>Every note, oldest first, decrypted.</summary>
    Task<ImmutableArray<Note>> ReadAsync();
}
