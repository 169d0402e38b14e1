using System.Collections.Immutable;

using Platform.Grains.Interfaces.Security;

namespace Platform.Grains.Security;

/// <summary>The durable progress record of KEK rotation; the work itself is done by <see cref="KeyRotationService"/>.</summary>
[GrainType("key-rotation")]
public sealed class KeyRotationGrain(
    [PersistentState("rotation")] IPersistentState<KeyRotationState> rotation,
    TimeProvider time) : Grain, IKeyRotationGrain
{
    private KeyRotationState State => rotation.State;

    private bool InProgress => State.StartedAt is not null && State.CompletedAt is null;

    /// <inheritdoc />
    public Task<KeyRotationProgress> GetAsync() => Task.FromResult(Progress());

    /// <inheritdoc />
    public async Task<KeyRotationProgress> BeginAsync(string previousKekId)
    {
        ArgumentException.ThrowIfNullOrEmpty(previousKekId);
        // A rotation already under way is resumed, never restarted: restarting would forget which key to retire.
        if (InProgress)
        {
            return Progress();
        }

        State.PreviousKekId = previousKekId;
        State.TargetKekId = null;
        State.Rewrapped.Clear();
        State.StartedAt = time.GetUtcNow();
        State.CompletedAt = null;
        await rotation.WriteStateAsync();
        return Progress();
    }

    /// <inheritdoc />
    public async Task<KeyRotationProgress> SetTargetAsync(string targetKekId)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetKekId);
        if (!InProgress)
        {
            throw new InvalidOperationException("No key rotation is in progress; begin one first.");
        }

        State.TargetKekId = targetKekId;
        await rotation.WriteStateAsync();
        return Progress();
    }

    /// <inheritdoc />
    public async Task RecordRewrappedAsync(string workspaceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceId);
        if (InProgress && State.Rewrapped.Add(workspaceId))
        {
            await rotation.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<KeyRotationProgress> CompleteAsync()
    {
        if (InProgress)
        {
            State.CompletedAt = time.GetUtcNow();
            await rotation.WriteStateAsync();
        }

        return Progress();
    }

    private KeyRotationProgress Progress() => new(
        State.PreviousKekId,
        State.TargetKekId,
        State.Rewrapped.ToImmutableSortedSet(StringComparer.Ordinal),
        State.StartedAt,
        State.CompletedAt);
}
