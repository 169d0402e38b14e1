namespace Platform.Grains.Interfaces.Security;

/// <summary>The workspace's data key was destroyed (the workspace was deleted): its encrypted data can no longer be read or written.</summary>
[GenerateSerializer, Alias("platform.WorkspaceKeyDestroyedException")]
public sealed class WorkspaceKeyDestroyedException : Exception
{
    /// <summary>Creates the exception for <paramref name="workspaceId"/>.</summary>
    public WorkspaceKeyDestroyedException(string workspaceId)
        : base($"The data key of workspace '{workspaceId}' was destroyed; its encrypted data can no longer be read or written.")
    {
        WorkspaceId = workspaceId;
    }

    /// <summary>Required by the exception design rules; prefer the workspace constructor.</summary>
    public WorkspaceKeyDestroyedException()
        : this("(unknown)")
    {
    }

    /// <summary>Required by the exception design rules; prefer the workspace constructor.</summary>
    public WorkspaceKeyDestroyedException(string message, Exception innerException)
        : base(message, innerException)
    {
        WorkspaceId = "(unknown)";
    }

    /// <summary>The workspace whose key is gone.</summary>
    [Id(0)]
    public string WorkspaceId { get; }
}
