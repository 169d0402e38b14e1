namespace Platform.Grains.Interfaces.Notes;

/// <summary>One decrypted note.</summary>
/// <param name="NoteId">Its id.</param>
/// <param name="Text">Its text.</param>
/// <param name="CreatedAt">When it was written.</param>
[GenerateSerializer, Immutable, Alias("platform.Note")]
public sealed record Note(string NoteId, string Text, DateTimeOffset CreatedAt);
