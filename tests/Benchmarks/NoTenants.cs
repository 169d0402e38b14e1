using Platform.Silo.Isolation;

namespace Platform.Benchmarks;

/// <summary>The benchmark grains belong to no tenant: the filter runs on every call, as in the product, and lets each through.</summary>
internal sealed class NoTenants : ITenantIsolation
{
    public string? TenantOf(GrainId grainId) => null;

    public void RecordRefusal(TenantCallRefusal refusal)
    {
    }
}
