namespace Platform.Silo.Runtime;

/// <summary>The life of an activation: requests wait while it activates, run while valid, and are forwarded once it is invalid.</summary>
internal enum ActivationStatus
{
    Activating,
    Valid,
    Deactivating,
    Invalid,
}
