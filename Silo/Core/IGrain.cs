namespace Platform.Silo;

/// <summary>Marker for every grain interface. Methods return <see cref="Task"/> or <see cref="Task{TResult}"/>.</summary>
public interface IGrain;
