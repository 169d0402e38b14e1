namespace Platform.Grains.Notes;

/// <summary>A note as persisted: its text only as workspace-key ciphertext.</summary>
public sealed class StoredNote
{
    public string NoteId { get; set; } = "";

    public string IdempotencyKey { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public byte[] Ciphertext { get; set; } = [];
}
