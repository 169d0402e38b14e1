namespace Platform.Silo.Runtime;

/// <summary>Persistent state that must be read before the grain's <c>OnActivateAsync</c> runs.</summary>
internal interface IGrainStateLoader
{
    Task LoadAsync();
}
