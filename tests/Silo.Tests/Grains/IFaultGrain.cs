namespace Platform.Silo.Tests.Grains;

/// <summary>Fails in the ways a caller must be able to tell apart, or never answers.</summary>
public interface IFaultGrain : IGrainWithStringKey
{
    /// <summary>Throws <see cref="InvalidOperationException"/> after an await.</summary>
    Task ThrowAfterAwaitAsync(string message);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> before returning a task (not an async method).</summary>
    Task<int> ThrowSynchronouslyAsync(int value);

    /// <summary>Throws a grain-defined exception type.</summary>
    Task ThrowCustomAsync();

    /// <summary>Waits for the test's gate; used for timeouts.</summary>
    Task<int> WaitForGateAsync();

    /// <summary>Answers at once.</summary>
    Task<int> EchoAsync(int value);
}
