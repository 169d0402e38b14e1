namespace Platform.Silo.Tests.Providers;

public sealed class AzureGrainStorageProviderTests(AzureProviderFixture fixture) : GrainStorageProviderContractTests(fixture), IClassFixture<AzureProviderFixture>;
