namespace Platform.Silo.Isolation;

/// <summary>A call the silo's tenant call filter refused.</summary>
/// <param name="Target">The grain the call was aimed at.</param>
/// <param name="TargetTenant">The tenant that grain belongs to.</param>
/// <param name="Caller">Who called: a grain id, or <c>client</c> for a call from outside the cluster.</param>
/// <param name="CallerTenant">The tenant the caller acts for, or <see langword="null"/> when it named none.</param>
/// <param name="Method">The interface method called.</param>
public sealed record TenantCallRefusal(GrainId Target, string TargetTenant, string Caller, string? CallerTenant, string Method);
