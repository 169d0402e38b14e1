using Microsoft.Extensions.Logging;

using Platform.Grains.Interfaces.Security;
using Platform.Silo.Isolation;

namespace Platform.Grains.Security;

/// <summary>
/// Rotates the key-encryption key without downtime: the provider gets a new current KEK (old versions keep
/// unwrapping, so every workspace stays readable throughout), every workspace's data key is rewrapped under it, and
/// only then is the old KEK retired. Progress is recorded in <see cref="IKeyRotationGrain"/>; rewrapping is
/// idempotent, so running <see cref="RotateAsync"/> again after a crash finishes the same rotation rather than
/// starting another.
/// </summary>
/// <remarks>
/// The caller passes every workspace id, because the workspace registry does not exist yet. That list must be
/// complete: a workspace left out keeps its data key wrapped under the old KEK, and retiring that KEK makes the
/// workspace unreadable. Once the registry exists, this service should enumerate it instead.
/// </remarks>
public sealed class KeyRotationService(IGrainFactory grains, IKeyEncryptionKeyProvider provider, ILogger<KeyRotationService> logger)
{
    /// <summary>The key of the rotation progress grain (one rotation at a time per installation).</summary>
    public const string ProgressKey = "kek";

    /// <summary>Starts a rotation, or resumes the one in progress, and runs it to the end.</summary>
    /// <param name="workspaceIds">Every workspace id; see the remarks.</param>
    /// <param name="cancellationToken">Stops between workspaces; run again to resume.</param>
    public async Task<KeyRotationProgress> RotateAsync(IEnumerable<string> workspaceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspaceIds);
        // Rotation is the operator's work across every workspace; the runtime's tenant filter is told so.
        TenantContext.SetOperator();
        var record = grains.GetGrain<IKeyRotationGrain>(ProgressKey);
        var progress = await record.GetAsync();
        // From the shared store: another silo of the cluster may have rotated since this one loaded its keys.
        var current = await provider.GetCurrentKeyIdAsync(cancellationToken);
        if (!progress.InProgress)
        {
            progress = await record.BeginAsync(current);
        }

        if (progress.TargetKekId is null)
        {
            // A crash between the provider's rotation and recording it leaves the provider already moved on: use its key.
            var target = current == progress.PreviousKekId
                ? await provider.RotateAsync(cancellationToken)
                : current;
            progress = await record.SetTargetAsync(target);
        }

        var targetKekId = progress.TargetKekId!;
        SecurityLog.RotationRunning(logger, targetKekId, progress.Rewrapped.Count);
        foreach (var workspaceId in workspaceIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (progress.Rewrapped.Contains(workspaceId))
            {
                continue;
            }

            var status = await grains.GetGrain<IWorkspaceKeyGrain>(workspaceId).RewrapAsync();
            if (status.Versions.Any(v => v.KekId != targetKekId))
            {
                throw new InvalidOperationException(
                    $"Workspace '{workspaceId}' is not wrapped under '{targetKekId}' after rewrapping: the current key-encryption key changed during the rotation. Run the rotation again.");
            }

            await record.RecordRewrappedAsync(workspaceId);
        }

        if (progress.PreviousKekId is { } previous && previous != targetKekId)
        {
            await provider.RetireAsync(previous, cancellationToken);
        }

        progress = await record.CompleteAsync();
        SecurityLog.RotationCompleted(logger, targetKekId, progress.PreviousKekId);
        return progress;
    }
}
