namespace Platform.Silo.Storage;

/// <summary>
/// Runs a writer loop on a thread of its own. The SQLite commit is synchronous (the provider has no async I/O), so a
/// loop on the thread pool would hold a pool thread through every fsync; on a small machine that starves the request
/// handlers and grain turns that share the pool, which shows as latency everywhere.
/// </summary>
internal static class DedicatedThread
{
    /// <summary>
    /// Blocks this dedicated thread until <paramref name="task"/> completes, then rethrows its exception if it failed.
    /// Unlike <c>GetAwaiter().GetResult()</c> it does not spin first: spinning before every commit burns a core for nothing.
    /// </summary>
    public static void Wait(Task task)
    {
        if (!task.IsCompleted)
        {
            using var done = new ManualResetEventSlim(initialState: false, spinCount: 0);
            task.ContinueWith(static (_, state) => ((ManualResetEventSlim)state!).Set(), done, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            done.Wait();
        }

        task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Wait(Task)"/>
    public static T Wait<T>(Task<T> task)
    {
        Wait((Task)task);
        return task.Result;
    }

    /// <summary>Starts <paramref name="loop"/> on a new background thread; the task completes when it returns.</summary>
    public static Task Start(Action loop, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }
}
