namespace Platform.Silo.Journal;

/// <summary>One stored journal entry.</summary>
/// <param name="Sequence">Its number in the stream.</param>
/// <param name="Payload">Its bytes, as appended.</param>
public sealed record JournalEntry(long Sequence, byte[] Payload);
