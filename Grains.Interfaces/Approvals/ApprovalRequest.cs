using System.Collections.Immutable;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Interfaces.Approvals;

/// <summary>What a run asks a human to approve. Built by the tool executor from the model's tool call, never by the model.</summary>
/// <param name="RunId">The run that wants to act.</param>
/// <param name="Tool">The tool, e.g. <c>email.send</c>.</param>
/// <param name="ToolClass">How far the tool reaches.</param>
/// <param name="CanonicalArguments">The arguments as canonical JSON (sorted keys, no whitespace), secrets redacted.</param>
/// <param name="RequesterUserId">The member who started the run (four eyes compares against this).</param>
/// <param name="Reason">Why the run wants it, in one line.</param>
/// <param name="Affects">What it touches: recipients, URLs, records.</param>
/// <param name="PolicyVersion">The workspace policy version the request was made under.</param>
[GenerateSerializer, Immutable, Alias("platform.ApprovalRequest")]
public sealed record ApprovalRequest(
    string RunId,
    string Tool,
    ToolClass ToolClass,
    string CanonicalArguments,
    string RequesterUserId,
    string Reason,
    ImmutableArray<string> Affects,
    int PolicyVersion);
