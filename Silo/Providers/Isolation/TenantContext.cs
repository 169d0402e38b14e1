namespace Platform.Silo.Isolation;

/// <summary>
/// Which tenant a call from outside the cluster acts for, carried in Orleans' <see cref="RequestContext"/>. The gateway
/// sets it from the authenticated key before any grain call; the silo's tenant call filter reads it. It flows to the
/// grains a call reaches, but between grains the filter judges the calling grain's own key, which nobody can forge.
/// </summary>
public static class TenantContext
{
    /// <summary>The <see cref="RequestContext"/> key.</summary>
    public const string Key = "platform.tenant";

    /// <summary>The value for the operator, who may reach every tenant's grains.</summary>
    public const string Operator = "*operator";

    /// <summary>The tenant the current call acts for, or <see langword="null"/> when none was set.</summary>
    public static string? Current => RequestContext.Get(Key) as string is { Length: > 0 } tenant ? tenant : null;

    /// <summary>Makes the calls that follow on this flow act for <paramref name="tenant"/>.</summary>
    public static void Set(string tenant)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        RequestContext.Set(Key, tenant);
    }

    /// <summary>Makes the calls that follow on this flow act for the operator.</summary>
    public static void SetOperator() => RequestContext.Set(Key, Operator);

    /// <summary>Makes the calls that follow act for no tenant.</summary>
    public static void Clear() => RequestContext.Remove(Key);

    /// <summary>
    /// Starts <paramref name="work"/> off the caller's turn and call chain (on the thread pool, with no execution context
    /// carried over), its grain calls acting for <paramref name="tenant"/>. For a grain that must not wait for work it
    /// starts: such calls have no calling grain for the tenant filter to judge, so they name their tenant themselves.
    /// <paramref name="work"/> handles its own failures; nobody awaits it.
    /// </summary>
    public static void RunDetached(string tenant, Func<Task> work)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(work);
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() =>
            {
                Set(tenant);
                return work();
            });
        }
    }
}
