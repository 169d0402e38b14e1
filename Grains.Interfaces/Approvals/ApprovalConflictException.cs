namespace Platform.Grains.Interfaces.Approvals;

/// <summary>The approval was already decided ("already decided by X at T"), or expired.</summary>
[GenerateSerializer, Alias("platform.ApprovalConflictException")]
public sealed class ApprovalConflictException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ApprovalConflictException() : this("The approval cannot be decided.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ApprovalConflictException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public ApprovalConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
