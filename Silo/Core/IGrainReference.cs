namespace Platform.Silo;

/// <summary>Implemented by every grain reference, so a reference passed around can say which grain it points at.</summary>
public interface IGrainReference
{
    /// <summary>The identity of the referenced grain.</summary>
    GrainId GrainId { get; }
}
