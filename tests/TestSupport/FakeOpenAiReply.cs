using System.Text.Json.Nodes;

namespace Platform.Testing;

/// <summary>
/// One answer queued at <see cref="FakeOpenAiServer"/>, and a test's view of how it went: whether it reached its stall
/// point, whether it was sent in full, whether its client went away first, and a way to let a stalled answer go on.
/// </summary>
public sealed class FakeOpenAiReply
{
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _clientDisconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _chunksSent;

    internal FakeOpenAiReply(int statusCode, JsonObject body, int? stallAfterChunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stallAfterChunks ?? 0, nameof(stallAfterChunks));
        StatusCode = statusCode;
        Body = body;
        StallAfterChunks = stallAfterChunks;
    }

    /// <summary>
    /// How many <c>data:</c> chunks a streamed answer sends before it waits for <see cref="Release"/> (or for its client to
    /// go away); at most every chunk, so it can at the latest wait just before <c>data: [DONE]</c>. A non-streamed answer
    /// with a stall waits before anything is sent. Null when the answer does not stall.
    /// </summary>
    public int? StallAfterChunks { get; }

    /// <summary>How many <c>data:</c> chunks of a streamed answer have been sent so far (<c>[DONE]</c> not counted).</summary>
    public int ChunksSent => Volatile.Read(ref _chunksSent);

    /// <summary>Completes when the answer reaches its stall point and starts waiting for <see cref="Release"/>.</summary>
    public Task Stalled => _stalled.Task;

    /// <summary>Completes once the whole answer was sent: for a stream, up to and including <c>data: [DONE]</c>.</summary>
    public Task Sent => _sent.Task;

    /// <summary>Completes if the client went away before the answer was sent in full (while stalled or while being written).</summary>
    public Task ClientDisconnected => _clientDisconnected.Task;

    /// <summary>The HTTP status the answer is sent with (200, or an error's status).</summary>
    internal int StatusCode { get; }

    /// <summary>The <c>chat.completion</c> object, or the error body.</summary>
    internal JsonObject Body { get; }

    internal Task Released => _released.Task;

    /// <summary>Lets a stalled answer send the rest; called before the stall point, the answer does not wait there.</summary>
    public void Release() => _released.TrySetResult();

    internal void MarkStalled() => _stalled.TrySetResult();

    internal void MarkChunkSent() => Interlocked.Increment(ref _chunksSent);

    internal void MarkSent() => _sent.TrySetResult();

    internal void MarkClientDisconnected() => _clientDisconnected.TrySetResult();
}