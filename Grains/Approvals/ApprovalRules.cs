using System.Security.Cryptography;
using System.Text;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Approvals;

/// <summary>What an approval request and a decision must look like before the grain changes anything.</summary>
public static class ApprovalRules
{
    /// <summary>Pending approvals one workspace may hold; a runaway loop asking for more is refused, not queued.</summary>
    public const int MaxPending = 200;

    /// <summary>Decided approvals kept in grain state (older ones live on in the audit log).</summary>
    public const int MaxDecided = 1000;

    /// <summary>The longest canonical arguments (characters); bounds what one state write carries.</summary>
    public const int MaxArgumentsLength = 16 * 1024;

    /// <summary>The most entries in <see cref="ApprovalRequest.Affects"/>.</summary>
    public const int MaxAffects = 50;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A new approval id: <c>apr</c> and 24 lower-case hex digits.</summary>
    public static string NewId() => "apr" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Whether <paramref name="id"/> has the shape of an approval id (checked before any lookup).</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: 27 } && id.StartsWith("apr", StringComparison.Ordinal) && LowerHex.Is(id.AsSpan(3));

    public static void Validate(ApprovalRequest request, WorkspacePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateText(request.RunId, "runId", 128);
        ValidateText(request.Tool, "tool", 128);
        if (!Enum.IsDefined(request.ToolClass))
        {
            throw new ArgumentException("toolClass is not a known tool class.", nameof(request));
        }

        if (request.ToolClass == ToolClass.Read)
        {
            throw new ArgumentException("toolClass: read-only tools never wait for approval.", nameof(request));
        }

        ValidateText(request.RequesterUserId, "requesterUserId", 256);
        ValidateText(request.Reason, "reason", 500);
        if (request.CanonicalArguments is null || request.CanonicalArguments.Length > MaxArgumentsLength)
        {
            throw new ArgumentException($"canonicalArguments is required and at most {MaxArgumentsLength} characters.", nameof(request));
        }

        // Refused rather than fixed up: the caller hashes and later executes its own string, so it must already be canonical.
        if (!CanonicalJson.IsCanonical(request.CanonicalArguments))
        {
            throw new ArgumentException("canonicalArguments must be canonical JSON (CanonicalJson.Canonicalize).", nameof(request));
        }

        var affects = request.Affects.IsDefault ? [] : request.Affects;
        if (affects.Length > MaxAffects)
        {
            throw new ArgumentException($"affects holds at most {MaxAffects} entries.", nameof(request));
        }

        foreach (var item in affects)
        {
            ValidateText(item, "affects", 500);
        }

        // An approval bound to another policy version could never be executed (the executor hashes the current one).
        if (request.PolicyVersion != policy.Version)
        {
            throw new ArgumentException($"policyVersion {request.PolicyVersion} is not the workspace's current policy version {policy.Version}.", nameof(request));
        }
    }

    public static void ValidateDecision(ApprovalDecider? decider, string? comment)
    {
        ArgumentNullException.ThrowIfNull(decider, nameof(decider));
        ValidateText(decider.UserId, "decider", 256);
        if (decider.Roles is null)
        {
            throw new ArgumentException("decider roles are required.", nameof(decider));
        }

        if (comment is not null && (comment.Length > 1000 || !IsWellFormed(comment) || comment.Any(static c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))))
        {
            throw new ArgumentException("comment must be at most 1000 characters without control characters.", nameof(comment));
        }
    }

    // Checked up front because the audit log refuses lone surrogates, and a refusal there would come after the state write.
    private static bool IsWellFormed(string value)
    {
        try
        {
            _ = s_strictUtf8.GetByteCount(value);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    private static void ValidateText(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field} is required.", field);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{field} must be at most {maxLength} characters.", field);
        }

        if (value.Any(char.IsControl) || !IsWellFormed(value))
        {
            throw new ArgumentException($"{field} must be well-formed text without control characters.", field);
        }
    }
}
