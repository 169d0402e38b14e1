namespace Platform.Grains.Runs;

/// <summary>Which failures of a run's step end the run, and which leave it to its resume reminder.</summary>
internal static class RunFailures
{
    /// <summary>
    /// Whether the step failed on something that passes by itself: storage that is down or was written by another
    /// activation, or a grain the step called living on a node that died (refused while the cluster has not yet declared
    /// it dead, or timed out). The run's durable state is that of its last written step, so the reminder runs the step
    /// again once the cluster has moved that grain; a tool call that had started is never run again
    /// (<see cref="ToolCallState.OutcomeUnknown"/>). Anything else is a fault of the run itself and ends it visibly.
    /// </summary>
    public static bool LeftToTheReminder(Exception exception) =>
        exception is InconsistentStateException or StorageUnavailableException or OrleansMessageRejectionException or TimeoutException;
}
