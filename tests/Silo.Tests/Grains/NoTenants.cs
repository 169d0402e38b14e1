using Platform.Silo.Isolation;

namespace Platform.Silo.Tests.Grains;

/// <summary>
/// The silo refuses to start without an <see cref="ITenantIsolation"/>; these test grains belong to no tenant, so
/// every call passes the tenant filter and the tests see Orleans' own semantics.
/// </summary>
internal sealed class NoTenants : ITenantIsolation
{
    public string? TenantOf(GrainId grainId) => null;

    public void RecordRefusal(TenantCallRefusal refusal)
    {
    }
}
