namespace Platform.Silo.Storage;

/// <summary>
/// One write or clear waiting for the group-commit writer. The writer decides <see cref="NewEtag"/> or
/// <see cref="Error"/> inside the batch's transaction, but completes the caller only after the commit is durable.
/// </summary>
internal sealed class PendingWrite(GrainId grainId, string stateName, byte[]? payload, bool isClear, string? expectedEtag, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<string?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrainId GrainId { get; } = grainId;

    public string StateName { get; } = stateName;

    /// <summary>The bytes to store; <see langword="null"/> for a clear.</summary>
    public byte[]? Payload { get; } = payload;

    public bool IsClear { get; } = isClear;

    public string? ExpectedEtag { get; } = expectedEtag;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The version <see cref="ExpectedEtag"/> names, or -1 (matches no row) when it is not one of ours.</summary>
    public long ExpectedVersion { get; } = expectedEtag is not null && long.TryParse(expectedEtag, out var version) ? version : -1;

    public string? NewEtag { get; private set; }

    public Exception? Error { get; private set; }

    public Task<string?> Completion => _completion.Task;

    public void Succeeded(string? newEtag)
    {
        NewEtag = newEtag;
        Error = null;
    }

    public void Failed(Exception error)
    {
        NewEtag = null;
        Error = error;
    }

    /// <summary>Hands the decided outcome to the caller; call only once the batch is durable.</summary>
    public void Complete()
    {
        if (Error is null)
        {
            _completion.TrySetResult(NewEtag);
        }
        else
        {
            _completion.TrySetException(Error);
        }
    }

    public void Fail(Exception error) => _completion.TrySetException(error);

    public void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
