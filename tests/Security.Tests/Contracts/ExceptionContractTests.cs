using System.Collections.Immutable;
using System.Reflection;

using Platform.Grains;
using Platform.Grains.Interfaces.Approvals;
using Platform.Grains.Interfaces.Egress;
using Platform.Grains.Interfaces.Runs;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Security;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Runs;
using Platform.Grains.Workspaces;
using Platform.Silo;

namespace Platform.Security.Tests.Contracts;

/// <summary>
/// Every exception the product throws out of a grain method reaches a client of a two-silo cluster as itself: type,
/// message and its own properties (Orleans turns a type without a codec into CodecNotFoundException, which a
/// single-silo, in-process call hides). The product's real refusal paths first, then each type from a probe grain.
/// </summary>
public sealed class ExceptionContractTests(ContractClusterFixture fixture) : IClassFixture<ContractClusterFixture>
{
    private IGrainFactory Grains => fixture.Cluster.Grains;

    public static TheoryData<string> Kinds => [.. ContractExceptions.Kinds];

    [Fact]
    public void Every_exception_type_of_the_product_is_probed()
    {
        Assembly[] assemblies = [typeof(IWorkspaceGrain).Assembly, typeof(StorageUnavailableException).Assembly, typeof(GrainsAssembly).Assembly];
        var declared = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(Exception).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(declared, ContractExceptions.Kinds);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Exception_crosses_to_the_client_with_type_message_and_properties(string kind)
    {
        var expected = ContractExceptions.Create(kind);

        var actual = await Assert.ThrowsAnyAsync<Exception>(() => Grains.GetGrain<IContractProbeGrain>("probe-exceptions").ThrowAsync(kind));

        AssertSame(expected, actual);
    }

    [Fact]
    public async Task Workspace_refusals_cross_as_not_found_conflict_and_forbidden()
    {
        var missing = await Assert.ThrowsAsync<WorkspaceNotFoundException>(() => Grains.GetGrain<IWorkspaceGrain>(WorkspaceIds.NewWorkspaceId()).GetAsync());
        Assert.Equal("No such workspace.", missing.Message);

        var workspace = await PlatformCluster.WorkspaceAsync(Grains);
        var again = await Assert.ThrowsAsync<WorkspaceConflictException>(() => Grains.GetGrain<IWorkspaceGrain>(workspace).CreateAsync("Acme", PlatformCluster.Owner, "Olive"));
        Assert.Equal("The workspace exists already.", again.Message);

        // The owner acting through a key that carries only the member role may not change roles.
        var memberOnly = new ActingMember(PlatformCluster.Owner, "k1", [WorkspaceRole.Member]);
        await Assert.ThrowsAsync<WorkspaceForbiddenException>(() =>
            Grains.GetGrain<IWorkspaceGrain>(workspace).PutMemberAsync("bob@acme.test", "Bob", [WorkspaceRole.Owner], memberOnly));
        var delete = await Assert.ThrowsAsync<WorkspaceForbiddenException>(() => Grains.GetGrain<IWorkspaceGrain>(workspace).DeleteAsync(memberOnly));
        Assert.Equal("Only an owner may delete the workspace.", delete.Message);
    }

    [Fact]
    public async Task Approval_refusals_cross_as_forbidden_and_conflict()
    {
        var workspace = await PlatformCluster.WorkspaceAsync(Grains);
        var runKey = RunIds.GrainKey(workspace, RunIds.NewRunId());
        await Grains.GetGrain<IAgentRunGrain>(runKey).StartAsync(new StartRun("email bob@example.test that the report is late", PlatformCluster.Owner, null));
        var approvalId = (await RunPolling.WaitForStatusAsync(Grains, runKey, RunStatus.WaitingForApproval)).PendingApprovalId!;
        var approvals = Grains.GetGrain<IApprovalGrain>(workspace);

        var forbidden = await Assert.ThrowsAsync<ApprovalForbiddenException>(() =>
            approvals.ApproveAsync(approvalId, new ApprovalDecider(PlatformCluster.Owner, [WorkspaceRole.Member]), "ok"));
        Assert.Equal("Only a member with the approver role may decide an approval.", forbidden.Message);
        await approvals.DenyAsync(approvalId, new ApprovalDecider(PlatformCluster.Owner, [WorkspaceRole.Approver, WorkspaceRole.Owner]), "not now");
        var conflict = await Assert.ThrowsAsync<ApprovalConflictException>(() =>
            approvals.ApproveAsync(approvalId, new ApprovalDecider(PlatformCluster.Owner, [WorkspaceRole.Approver, WorkspaceRole.Owner]), "ok"));
        Assert.Contains($"Approval {approvalId} was already decided by", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_in_run_input_crosses_as_secret_detected_with_its_finding()
    {
        var workspace = await PlatformCluster.WorkspaceAsync(Grains);
        const string value = "tok-6f1d2c9a8b7e4d3c2b1a0f9e8d7c6b5a";
        await Grains.GetGrain<ISecretsGrain>(workspace).SetAsync("deploy-token", value, "test");

        var refused = await Assert.ThrowsAsync<SecretDetectedException>(() =>
            Grains.GetGrain<IAgentRunGrain>(RunIds.GrainKey(workspace, RunIds.NewRunId())).StartAsync(new StartRun($"deploy with {value} please", PlatformCluster.Owner, null)));

        Assert.Contains("deploy-token", refused.Secret, StringComparison.Ordinal);
        Assert.NotEmpty(refused.Encoding);
        Assert.Contains(refused.Secret, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destroyed_key_crosses_with_the_workspace_id()
    {
        var workspace = EncryptionSilo.NewWorkspace("contract");
        var keys = Grains.GetGrain<IWorkspaceKeyGrain>(workspace);
        await keys.EncryptAsync(new EncryptRequest("run.message", [1, 2, 3]));
        await keys.DestroyAsync();

        var refused = await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(() => keys.EncryptAsync(new EncryptRequest("run.message", [4])));

        Assert.Equal(workspace, refused.WorkspaceId);
    }

    private static void AssertSame(Exception expected, Exception actual)
    {
        Assert.IsType(expected.GetType(), actual);
        Assert.Equal(expected.Message, actual.Message);
        foreach (var property in OwnProperties(expected.GetType()))
        {
            Assert.True(
                Equals(property.GetValue(expected), property.GetValue(actual)),
                $"{expected.GetType().Name}.{property.Name}: expected {property.GetValue(expected)}, got {property.GetValue(actual)}");
        }

        if (expected.InnerException is { } inner)
        {
            Assert.NotNull(actual.InnerException);
            Assert.IsType(inner.GetType(), actual.InnerException);
            Assert.Equal(inner.Message, actual.InnerException.Message);
        }
    }

    /// <summary>The properties a product exception adds to its base (whose own are Orleans' and .NET's business).</summary>
    private static ImmutableArray<PropertyInfo> OwnProperties(Type type)
    {
        var own = new List<PropertyInfo>();
        for (var t = type; t is not null && t.Assembly != typeof(Exception).Assembly && t.Namespace?.StartsWith("Platform", StringComparison.Ordinal) == true; t = t.BaseType)
        {
            own.AddRange(t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));
        }

        return [.. own];
    }
}
