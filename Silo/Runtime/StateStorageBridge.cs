using System.Text.Json;
using Platform.Silo.Storage;

namespace Platform.Silo.Runtime;

/// <summary>
/// The <see cref="IPersistentState{TState}"/> a grain holds: JSON in, JSON out, ETag carried between reads and writes.
/// A stale write deactivates the activation so the next call starts from what storage holds.
/// </summary>
internal sealed class StateStorageBridge<TState>(string name, ActivationData activation, IGrainStorage storage)
    : IPersistentState<TState>, IGrainStateLoader
{
    public string Name { get; } = name;

    public TState State { get; set; } = System.Activator.CreateInstance<TState>();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public Task LoadAsync() => ReadStateAsync();

    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync(activation.GrainId, Name);
        if (stored?.Payload is not { } payload)
        {
            State = System.Activator.CreateInstance<TState>();
            Etag = stored?.Etag;
            RecordExists = false;
            return;
        }

        TState? state;
        try
        {
            state = JsonSerializer.Deserialize<TState>(payload, GrainStateJson.Options);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or ArgumentException)
        {
            throw new GrainStateCorruptException(activation.GrainId, Name, typeof(TState), exception);
        }

        State = state ?? throw new GrainStateCorruptException(activation.GrainId, Name, typeof(TState), new JsonException("The stored document is JSON null."));
        Etag = stored.Etag;
        RecordExists = true;
    }

    public async Task WriteStateAsync()
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(State, GrainStateJson.Options);
        try
        {
            Etag = await storage.WriteAsync(activation.GrainId, Name, payload, Etag);
            RecordExists = true;
        }
        catch (InconsistentStateException)
        {
            // Even if the grain swallows the exception, its in-memory state is stale: start over from storage.
            activation.RequestDeactivation(DeactivationReason.InconsistentState);
            throw;
        }
        catch (StorageUnavailableException)
        {
            // The write's outcome is unknown, so memory may be ahead of storage: the next call reloads what is durable.
            activation.RequestDeactivation(DeactivationReason.StorageFailed);
            throw;
        }
    }

    public async Task ClearStateAsync()
    {
        try
        {
            Etag = await storage.ClearAsync(activation.GrainId, Name, Etag);
        }
        catch (InconsistentStateException)
        {
            activation.RequestDeactivation(DeactivationReason.InconsistentState);
            throw;
        }
        catch (StorageUnavailableException)
        {
            activation.RequestDeactivation(DeactivationReason.StorageFailed);
            throw;
        }

        State = System.Activator.CreateInstance<TState>();
        RecordExists = false;
    }
}
