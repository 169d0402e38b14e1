using System.Text.Json;

namespace Platform.Silo.Storage;

/// <summary>
/// Orleans' grain storage over one of the project's state stores (SQLite or PostgreSQL). State is System.Text.Json, as
/// the project stored it before it ran on Orleans, so those rows still read and no CLR type name is ever persisted.
/// When storage fails mid-write the write's outcome is unknown and memory may be ahead of what is durable, so the
/// activation is dropped and the next call reloads; an ETag conflict does the same through Orleans itself.
/// </summary>
internal sealed class JsonGrainStorage(IGrainStateStore store, IGrainContextAccessor activations) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await store.ReadAsync(grainId, stateName).ConfigureAwait(false);
        if (stored?.Payload is not { } payload)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = stored?.Etag;
            grainState.RecordExists = false;
            return;
        }

        T? state;
        try
        {
            state = JsonSerializer.Deserialize<T>(payload, GrainStateJson.Options);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or ArgumentException)
        {
            throw new GrainStateCorruptException(grainId, stateName, typeof(T), exception);
        }

        grainState.State = state ?? throw new GrainStateCorruptException(grainId, stateName, typeof(T), new JsonException("The stored document is JSON null."));
        grainState.ETag = stored.Etag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(grainState.State, GrainStateJson.Options);
        var activation = activations.GrainContext;
        try
        {
            grainState.ETag = await store.WriteAsync(grainId, stateName, payload, grainState.ETag).ConfigureAwait(false);
            grainState.RecordExists = true;
        }
        catch (StorageUnavailableException)
        {
            Drop(activation);
            throw;
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var activation = activations.GrainContext;
        try
        {
            grainState.ETag = await store.ClearAsync(grainId, stateName, grainState.ETag).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            Drop(activation);
            throw;
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    // Orleans wraps storage errors other than InconsistentStateException without deactivating; this storage does it
    // itself, even when the grain catches the exception, because the grain's memory can no longer be trusted.
    // The activation is taken before the first await: the awaits here do not return to the grain's scheduler.
    private static void Drop(IGrainContext? activation) =>
        activation?.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "Grain storage failed during a write; the next call reloads the state."));
}
