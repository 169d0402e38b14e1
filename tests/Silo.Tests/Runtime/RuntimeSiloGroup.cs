namespace Platform.Silo.Tests.Runtime;

[CollectionDefinition(Name)]
public sealed class RuntimeSiloGroup : ICollectionFixture<RuntimeSiloFixture>
{
    public const string Name = "runtime";
}
