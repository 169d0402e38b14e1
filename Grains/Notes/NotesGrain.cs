using System.Collections.Immutable;
using System.Text;
using Platform.Grains.Interfaces.Notes;
using Platform.Grains.Interfaces.Security;

namespace Platform.Grains.Notes;

/// <summary>
/// A workspace's notes. Text goes through the workspace's own <see cref="IWorkspaceKeyGrain"/> (purpose
/// <see cref="Purpose"/>) before it reaches state, so storage never sees plaintext and deleting the workspace's key
/// shreds every note.
/// </summary>
// Pinned: stored rows and reminders are keyed by the grain type name, so a class rename must not change it.
[GrainType("notes")]
public sealed class NotesGrain(
    [PersistentState("notes")] IPersistentState<NotesState> notes,
    TimeProvider time) : StringKeyedGrain, INotesGrain
{
    /// <summary>The encryption purpose; binding ciphertext to it stops a note being replayed as another field.</summary>
    public const string Purpose = "notes.content";

    /// <summary>A bound on one workspace's notes, so a looping agent cannot grow a state row without limit.</summary>
    public const int MaxNotes = 1_000;

    /// <summary>The longest note in characters (the catalog's schema refuses longer ones before they get here).</summary>
    public const int MaxTextLength = 4_000;

    private IWorkspaceKeyGrain Key => GrainFactory.GetGrain<IWorkspaceKeyGrain>(PrimaryKey);

    public async Task<NoteWritten> WriteAsync(NoteWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentException.ThrowIfNullOrWhiteSpace(write.IdempotencyKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(write.Text);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(write.Text.Length, MaxTextLength, nameof(write));
        var existing = notes.State.Notes.Find(n => n.IdempotencyKey == write.IdempotencyKey);
        if (existing is not null)
        {
            return new NoteWritten(existing.NoteId, false);
        }

        if (notes.State.Notes.Count >= MaxNotes)
        {
            throw new InvalidOperationException($"The workspace holds {MaxNotes} notes, the most it may.");
        }

        var encrypted = await Key.EncryptAsync(new EncryptRequest(Purpose, [.. Encoding.UTF8.GetBytes(write.Text)]));
        var note = new StoredNote
        {
            NoteId = $"note-{notes.State.Notes.Count + 1}",
            IdempotencyKey = write.IdempotencyKey,
            CreatedAt = time.GetUtcNow(),
            Ciphertext = [.. encrypted.Ciphertext],
        };
        notes.State.Notes.Add(note);
        try
        {
            await notes.WriteStateAsync();
        }
        catch
        {
            // Keep memory equal to storage: the runtime drops this activation anyway, but not before a reentrant read.
            notes.State.Notes.Remove(note);
            throw;
        }

        return new NoteWritten(note.NoteId, true);
    }

    public async Task<ImmutableArray<Note>> ReadAsync()
    {
        var result = ImmutableArray.CreateBuilder<Note>(notes.State.Notes.Count);
        foreach (var note in notes.State.Notes)
        {
            var plaintext = await Key.DecryptAsync(new DecryptRequest(Purpose, [.. note.Ciphertext]));
            result.Add(new Note(note.NoteId, Encoding.UTF8.GetString(plaintext.AsSpan()), note.CreatedAt));
        }

        return result.MoveToImmutable();
    }
}
