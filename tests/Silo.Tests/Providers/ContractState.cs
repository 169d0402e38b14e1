namespace Platform.Silo.Tests.Providers;

/// <summary>A small grain state every provider's serializer takes as it is (System.Text.Json for all three).</summary>
public sealed class ContractState
{
    public string Text { get; set; } = "";

    public int Number { get; set; }
}
