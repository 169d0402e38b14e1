using System.Collections.Immutable;
using System.Net;
using System.Reflection;
using System.Text.Json;

using Platform.Grains.Connectors;
using Platform.Grains.Connectors.OAuth;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Interfaces.Egress;
using Platform.Grains.Interfaces.Security;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Tools;
using Platform.Silo;
using Platform.Silo.Isolation;

namespace Platform.Security.Tests.Contracts;

/// <summary>
/// One instance of every exception type of the product that can leave a grain method, each with non-default values
/// in its own properties, so a codec that drops a property shows up as a difference on the client.
/// </summary>
internal static class ContractExceptions
{
    private static readonly ImmutableDictionary<string, Func<Exception>> s_make = new Dictionary<string, Func<Exception>>
    {
        [nameof(WorkspaceKeyDestroyedException)] = () => new WorkspaceKeyDestroyedException("ws0123456789abcdef0123"),
        [nameof(ApprovalConflictException)] = () => new ApprovalConflictException("Approval ap1 was already decided."),
        [nameof(ApprovalForbiddenException)] = () => new ApprovalForbiddenException("Four eyes: decided by someone else."),
        [nameof(ConnectorUnavailableException)] = () => new ConnectorUnavailableException("Connector Slack needs reconnecting."),
        [nameof(SecretDetectedException)] = () => new SecretDetectedException("The input holds a secret.", new EgressFinding("secret:deploy-token", "base64")),
        [nameof(WorkspaceForbiddenException)] = () => new WorkspaceForbiddenException("Only an owner may delete the workspace."),
        [nameof(WorkspaceConflictException)] = () => new WorkspaceConflictException("The workspace exists already."),
        [nameof(WorkspaceNotFoundException)] = () => new WorkspaceNotFoundException("No such workspace."),
        [nameof(StorageUnavailableException)] = () => new StorageUnavailableException("Grain storage is down: disk full.", new IOException("No space left on device")),
        [nameof(GrainStateCorruptException)] = () => new GrainStateCorruptException(
            GrainId.Create("agentrun", "ws0123456789abcdef0123/run1"), "run", typeof(DateTimeOffset), new JsonException("'x' is an invalid start of a value.")),
        [nameof(TenantIsolationException)] = () => new TenantIsolationException("This call crosses a workspace boundary and was refused."),
        [nameof(ConnectorApiException)] = () => new ConnectorApiException(ConnectorFailure.NotFound, "GitHub answered 404 for the issue.", TimeSpan.FromSeconds(42)),
        [nameof(OAuthProtocolException)] = () => (OAuthProtocolException)Activator.CreateInstance(
            typeof(OAuthProtocolException),
            BindingFlags.Instance | BindingFlags.NonPublic,
            binder: null,
            ["invalid_grant", "The refresh token expired.", HttpStatusCode.BadRequest, "login.example.test answered 400 invalid_grant."],
            culture: null)!,
        [nameof(SmtpCommandException)] = () => new SmtpCommandException("554 5.7.1 relay denied"),
        [nameof(MailRelayException)] = () => new MailRelayException("the mail relay did not take the mail: 554"),
        [nameof(EgressRefusedException)] = () => new EgressRefusedException("10.1.2.3", 8443, "private"),
    }.ToImmutableDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Kinds => s_make.Keys.Order(StringComparer.Ordinal);

    public static Exception Create(string kind) =>
        s_make.TryGetValue(kind, out var make) ? make() : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a contract exception.");
}
