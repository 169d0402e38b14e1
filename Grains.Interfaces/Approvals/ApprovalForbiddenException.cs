namespace Platform.Grains.Interfaces.Approvals;

/// <summary>This member may not decide this approval (not an approver, or four eyes forbids the requester).</summary>
[GenerateSerializer, Alias("platform.ApprovalForbiddenException")]
public sealed class ApprovalForbiddenException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ApprovalForbiddenException() : this("The approval cannot be decided.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ApprovalForbiddenException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public ApprovalForbiddenException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
