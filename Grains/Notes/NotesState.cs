namespace Platform.Grains.Notes;

/// <summary>What a notes grain persists: encrypted notes, oldest first.</summary>
public sealed class NotesState
{
    public List<StoredNote> Notes { get; set; } = [];
}
