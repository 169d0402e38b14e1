namespace Platform.Silo.Runtime;

/// <summary>A pending call to a method returning <see cref="Task"/>.</summary>
internal sealed class VoidGrainCall(GrainMethodInvoker invoker, GrainId target, object?[] arguments, CallChain? chain)
    : GrainCall(invoker, target, arguments, chain)
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task CallerTask => _completion.Task;

    public static GrainCall Create(GrainMethodInvoker invoker, GrainId target, object?[] arguments, CallChain? chain) =>
        new VoidGrainCall(invoker, target, arguments, chain);

    public override void CompleteFrom(Task grainTask)
    {
        if (grainTask.IsCompletedSuccessfully)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(ExceptionsOf(grainTask));
        }
    }

    public override bool TryFail(Exception exception) => _completion.TrySetException(exception);
}
