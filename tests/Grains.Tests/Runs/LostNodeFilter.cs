using Platform.Grains.Interfaces.Budget;

namespace Platform.Grains.Tests.Runs;

/// <summary>
/// Makes the budget grain answer its next reservations as a grain on a node that just died does until the cluster has
/// declared the node dead: refused with <see cref="SiloUnavailableException"/>.
/// </summary>
internal sealed class LostNodeFilter : IIncomingGrainCallFilter
{
    private int _left;

    /// <summary>Refusals not yet given.</summary>
    public int Left => Math.Max(0, Volatile.Read(ref _left));

    public void RefuseNext(int reservations) => Volatile.Write(ref _left, reservations);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.InterfaceMethod?.Name == nameof(IBudgetGrain.ReserveAsync) && Interlocked.Decrement(ref _left) >= 0)
        {
            throw new SiloUnavailableException("The budget grain's node is unavailable.");
        }

        return context.Invoke();
    }
}
