namespace Platform.Silo.Journal;

/// <summary>
/// One append waiting for the journal's group-commit writer. The writer decides the outcome inside the batch's
/// transaction, but the caller hears about it only once the batch is durable.
/// </summary>
internal sealed class PendingAppend(string stream, long expectedLastSequence, byte[][] entries, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<long> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Stream { get; } = stream;

    public long ExpectedLastSequence { get; } = expectedLastSequence;

    public byte[][] Entries { get; } = entries;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public long Bytes { get; } = entries.Sum(static e => (long)e.Length);

    public Task<long> Completion => _completion.Task;

    private long NewLastSequence { get; set; }

    private Exception? Error { get; set; }

    public void Succeeded(long newLastSequence)
    {
        NewLastSequence = newLastSequence;
        Error = null;
    }

    public void Failed(Exception error) => Error = error;

    /// <summary>Hands the decided outcome to the caller; call only once the batch is durable.</summary>
    public void Complete()
    {
        if (Error is null)
        {
            _completion.TrySetResult(NewLastSequence);
        }
        else
        {
            _completion.TrySetException(Error);
        }
    }

    public void Fail(Exception error) => _completion.TrySetException(error);

    public void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
