namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>The request contradicts the workspace's current state (it exists already, the last owner would go, …).</summary>
[GenerateSerializer, Alias("platform.WorkspaceConflictException")]
public sealed class WorkspaceConflictException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public WorkspaceConflictException() : this("Conflict.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public WorkspaceConflictException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public WorkspaceConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
