namespace Platform.Gateway.Tests.Guardrails;

/// <summary>One OAuth server, one set of fakes and one gateway for every guardrail test class.</summary>
[CollectionDefinition(Name)]
public sealed class GuardrailGroup : ICollectionFixture<GuardrailFixture>
{
    public const string Name = "Guardrails";
}
