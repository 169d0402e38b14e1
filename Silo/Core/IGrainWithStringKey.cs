namespace Platform.Silo;

/// <summary>A grain addressed by a string key (workspace ids, run ids, …).</summary>
public interface IGrainWithStringKey : IGrain;
