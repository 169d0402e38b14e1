namespace Platform.Silo.Tests.Storage;

/// <summary>
/// What a storage host outside a silo answers when <c>JsonGrainStorage</c> asks which activation is calling: none, as
/// for a call from a silo's own startup code. Storage failures then have nothing to drop, which is what a test of
/// the storage alone wants.
/// </summary>
internal sealed class NoGrainContext : IGrainContextAccessor
{
    public IGrainContext GrainContext => null!;
}
