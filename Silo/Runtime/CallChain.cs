namespace Platform.Silo.Runtime;

/// <summary>
/// The activations a request passed through, innermost first. A request that reaches an activation already on its chain
/// is let in at once: that activation is (transitively) waiting for this very request, so queueing it would deadlock A→B→A.
/// It flows with the execution context, so it follows a grain's awaits.
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

    public bool Contains(ActivationData activation)
    {
        for (var link = this; link is not null; link = link.Parent)
        {
            if (ReferenceEquals(link.Activation, activation))
            {
                return true;
            }
        }

        return false;
    }
}
