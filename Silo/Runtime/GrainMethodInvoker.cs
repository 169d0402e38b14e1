using System.Linq.Expressions;
using System.Reflection;

namespace Platform.Silo.Runtime;

/// <summary>
/// Calls one grain interface method on a grain instance through a compiled delegate (no reflection per call), and
/// creates the caller-side completion of the right result type when a call cannot finish synchronously.
/// </summary>
internal sealed class GrainMethodInvoker
{
    private readonly Func<object, object?[], Task> _call;
    private readonly Func<Exception, Task> _fault;
    private readonly Func<GrainMethodInvoker, GrainId, object?[], CallChain?, GrainCall> _createCall;

    public GrainMethodInvoker(Type grainInterface, MethodInfo method, GrainTypeInfo grainType)
    {
        Method = method;
        GrainType = grainType;
        DisplayName = $"{grainInterface.Name}.{method.Name}";
        AlwaysInterleave = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;
        MetricTags = [grainType.MetricTag, new("grain.method", DisplayName)];
        _call = Compile(grainInterface, method);

        var returnType = method.ReturnType;
        var callType = returnType == typeof(Task)
            ? typeof(VoidGrainCall)
            : typeof(GrainCall<>).MakeGenericType(returnType.GetGenericArguments()[0]);
        _fault = returnType == typeof(Task)
            ? Task.FromException
            : typeof(GrainMethodInvoker).GetMethod(nameof(FaultOf), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(returnType.GetGenericArguments()[0])
                .CreateDelegate<Func<Exception, Task>>();
        _createCall = callType
            .GetMethod(nameof(VoidGrainCall.Create), BindingFlags.Public | BindingFlags.Static)!
            .CreateDelegate<Func<GrainMethodInvoker, GrainId, object?[], CallChain?, GrainCall>>();
    }

    public MethodInfo Method { get; }

    public GrainTypeInfo GrainType { get; }

    /// <summary><c>Interface.Method</c>, for timeouts, logs and metrics.</summary>
    public string DisplayName { get; }

    /// <summary>Whether requests may start while another request of the activation waits at an await.</summary>
    public bool AlwaysInterleave { get; }

    public KeyValuePair<string, object?>[] MetricTags { get; }

    /// <summary>Runs the method on <paramref name="grain"/>; the returned task is the grain's own.</summary>
    public Task Invoke(object grain, object?[] arguments) => _call(grain, arguments);

    /// <summary>A faulted task of the method's own return type, so a proxy can hand it back as <c>Task&lt;T&gt;</c>.</summary>
    public Task Fault(Exception exception) => _fault(exception);

    public GrainCall CreateCall(GrainId target, object?[] arguments, CallChain? chain) => _createCall(this, target, arguments, chain);

    private static Task<TResult> FaultOf<TResult>(Exception exception) => Task.FromException<TResult>(exception);

    private static Func<object, object?[], Task> Compile(Type grainInterface, MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters()
            .Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(grain, grainInterface), method, parameters);
        return Expression.Lambda<Func<object, object?[], Task>>(Expression.Convert(call, typeof(Task)), grain, arguments).Compile();
    }
}
