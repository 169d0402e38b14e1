namespace Platform.Silo.Storage;

/// <summary>What storage holds for one state: its bytes (<see langword="null"/> after a clear) and its ETag.</summary>
/// <param name="Payload">The serialized state, or <see langword="null"/> when the record was cleared.</param>
/// <param name="Etag">The record's version tag.</param>
public sealed record StoredGrainState(byte[]? Payload, string Etag);
