namespace Platform.Silo.Tests.Grains;

/// <summary>A counter persisted through Orleans' grain storage: what most platform grains do with their state.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<int> GetAsync();

    Task<bool> RecordExistsAsync();

    Task ClearAsync();

    Task SetNoteAsync(string note);

    Task<string> GetNoteAsync();

    /// <summary>Identifies the activation, so a test sees whether a call reached a fresh one.</summary>
    Task<Guid> ActivationIdAsync();

    /// <summary>Records "holding", waits for the test to open the key's gate, then increments and writes.</summary>
    Task<int> IncrementAfterGateAsync();
}
