namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>The workspace, or the thing asked for inside it, does not exist (or is not this caller's to see).</summary>
[GenerateSerializer, Alias("platform.WorkspaceNotFoundException")]
public sealed class WorkspaceNotFoundException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public WorkspaceNotFoundException() : this("Not found.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public WorkspaceNotFoundException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public WorkspaceNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
