namespace Platform.Silo.Runtime;

/// <summary>
/// The requests a call descends from, innermost first, one link per request. A call that reaches an activation whose
/// request is still running on its chain is let in at once: that request is (transitively) waiting for this very call,
/// so queueing it would deadlock A→B→A. A link stops counting once its request finished, because the chain also flows
/// into work a request started and did not await. It flows with the execution context, so it follows a grain's awaits.
/// </summary>
internal sealed class CallChain(ActivationData activation, CallChain? parent)
{
    private static readonly AsyncLocal<CallChain?> s_current = new();

    public static CallChain? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public ActivationData Activation { get; } = activation;

    public CallChain? Parent { get; } = parent;

    private volatile bool _finished;

    /// <summary>Marks this link's request as finished.</summary>
    public void Finish() => _finished = true;

    /// <summary>Whether a request of <paramref name="activation"/> is still running on this chain.</summary>
    public bool Contains(ActivationData activation)
    {
        for (var link = this; link is not null; link = link.Parent)
        {
            if (ReferenceEquals(link.Activation, activation) && !link._finished)
            {
                return true;
            }
        }

        return false;
    }
}
