namespace Platform.Silo.Tests.Grains;

/// <summary>Breaks the immutability rule: a reference to it must be refused.</summary>
public interface IMutableArgumentGrain : IGrainWithStringKey
{
    /// <summary>Takes a mutable list.</summary>
    Task AddAllAsync(List<string> items);
}
