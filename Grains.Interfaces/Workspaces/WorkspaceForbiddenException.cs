namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>
/// The caller is a member of the workspace but may not do this: change their own roles, touch an owner without being
/// one, mint a key for somebody else, delete the workspace without being an owner.
/// </summary>
[GenerateSerializer, Alias("platform.WorkspaceForbiddenException")]
public sealed class WorkspaceForbiddenException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public WorkspaceForbiddenException() : this("Forbidden.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public WorkspaceForbiddenException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public WorkspaceForbiddenException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
