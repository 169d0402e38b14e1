namespace Platform.Silo.Runtime;

/// <summary>A pending call to a method returning <see cref="Task{TResult}"/>.</summary>
internal sealed class GrainCall<TResult>(GrainMethodInvoker invoker, GrainId target, object?[] arguments, CallChain? chain)
    : GrainCall(invoker, target, arguments, chain)
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task CallerTask => _completion.Task;

    public static GrainCall Create(GrainMethodInvoker invoker, GrainId target, object?[] arguments, CallChain? chain) =>
        new GrainCall<TResult>(invoker, target, arguments, chain);

    public override void CompleteFrom(Task grainTask)
    {
        if (grainTask.IsCompletedSuccessfully)
        {
            _completion.TrySetResult(((Task<TResult>)grainTask).Result);
        }
        else
        {
            _completion.TrySetException(ExceptionsOf(grainTask));
        }
    }

    public override bool TryFail(Exception exception) => _completion.TrySetException(exception);
}
