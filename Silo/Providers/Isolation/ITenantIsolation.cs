namespace Platform.Silo.Isolation;

/// <summary>What the product tells the silo's tenant call filter: which tenant a grain belongs to, and how a refusal is recorded.</summary>
public interface ITenantIsolation
{
    /// <summary>The tenant <paramref name="grainId"/> belongs to, or <see langword="null"/> for a grain of no tenant (the operator's, the installation's).</summary>
    string? TenantOf(GrainId grainId);

    /// <summary>Records a refused call where the tenant it was aimed at can see it; must not throw.</summary>
    void RecordRefusal(TenantCallRefusal refusal);
}
