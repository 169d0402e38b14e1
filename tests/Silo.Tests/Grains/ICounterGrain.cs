namespace Platform.Silo.Tests.Grains;

/// <summary>A grain with persisted state.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one and writes the state; returns the new value.</summary>
    Task<int> IncrementAsync();

    /// <summary>The value this activation holds.</summary>
    Task<int> GetAsync();

    /// <summary>Stores a note of any size.</summary>
    Task SetNoteAsync(string note);

    /// <summary>The note this activation holds.</summary>
    Task<string> GetNoteAsync();

    /// <summary>Clears the stored state.</summary>
    Task ClearAsync();

    /// <summary>Whether storage holds a record, as this activation knows it.</summary>
    Task<bool> RecordExistsAsync();
}
