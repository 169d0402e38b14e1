using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Platform.Grains.Diagnostics;
using Platform.Grains.Egress;
using Platform.Grains.Interfaces.Secrets;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Tests.Tools;
using Platform.Grains.Workspaces;
using Platform.Testing;

namespace Platform.Grains.Tests.Egress;

/// <summary>The egress guard against a workspace with one stored secret, in a silo over SQLite.</summary>
public sealed class EgressGuardTests : IAsyncLifetime
{
    private const string Value = "sk-live/ab>c+DEF?~~01234567";

    private static readonly EgressPolicy AllowAll = new(EgressAction.Allow, EgressAction.Allow, EgressAction.Allow);

    private readonly string _directory = Directory.CreateTempSubdirectory("egress-guard-").FullName;
    private readonly string _workspace = WorkspaceIds.NewWorkspaceId();
    private PlatformTestCluster _silo = null!;

    private EgressGuard Guard => new(_silo.Grains, _silo.Services.GetRequiredService<PlatformMetrics>());

    public async ValueTask InitializeAsync()
    {
        _silo = await ToolsSilo.StartAsync(_directory, new Dictionary<string, string?>());
        await _silo.Grains.GetGrain<ISecretsGrain>(_workspace).SetAsync("api", Value, "alice");
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_secret_in_plain_text_blocks_it_whatever_the_policy()
    {
        var verdict = await Guard.InspectTextAsync(_workspace, $"here: {Value}", AllowAll);

        Assert.True(verdict.IsBlocked);
        Assert.True(verdict.BySecret);
        Assert.Equal("it contains secret://api (plain)", verdict.Blocked);
        Assert.DoesNotContain(Value, verdict.Blocked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_in_json_nested_inside_a_json_string_is_found()
    {
        var inner = JsonSerializer.Serialize(new { k = Value });
        var json = JsonSerializer.Serialize(new { body = inner });
        Assert.DoesNotContain(Value, json, StringComparison.Ordinal);

        var verdict = await Guard.InspectJsonAsync(_workspace, json, AllowAll);

        Assert.True(verdict.BySecret);
        Assert.Equal(json, verdict.Content);
    }

    [Fact]
    public async Task A_secret_in_json_three_levels_deep_is_found()
    {
        var json = JsonSerializer.Serialize(new { a = JsonSerializer.Serialize(new { b = JsonSerializer.Serialize(new { c = Value }) }) });

        Assert.True((await Guard.InspectJsonAsync(_workspace, json, AllowAll)).BySecret);
    }

    [Theory]
    [InlineData("{\"token\":\"sk-live/ab\\u003Ec\\u002BDEF?~~01234567\"}")]
    [InlineData("{\"token\":\"sk-live\\/ab>c+DEF?~~01234567\"}")]
    [InlineData("{\"t\\u006Fken\":\"\\u0073\\u006B-live/ab>c+DEF?~~01234567\"}")]
    public async Task Json_escapes_do_not_hide_a_secret(string json)
    {
        var verdict = await Guard.InspectJsonAsync(_workspace, json, AllowAll);

        Assert.True(verdict.BySecret);
    }

    [Theory]
    [InlineData("answer: sk-live/ab\\u003Ec\\u002BDEF?~~01234567")]
    [InlineData("answer: sk-live\\/ab>c+DEF?~~01234567")]
    public async Task Unicode_escapes_in_plain_text_do_not_hide_a_secret(string text)
    {
        Assert.Equal("it contains secret://api (plain)", await Guard.FindSecretAsync(_workspace, text));
        Assert.True((await Guard.InspectTextAsync(_workspace, text, AllowAll)).BySecret);
    }

    [Fact]
    public async Task A_base64_secret_inside_a_json_value_is_found_and_named_with_its_encoding()
    {
        var json = JsonSerializer.Serialize(new { data = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Value)) });

        var verdict = await Guard.InspectJsonAsync(_workspace, json, AllowAll);

        Assert.Equal("it contains secret://api (base64)", verdict.Blocked);
    }

    [Fact]
    public async Task Text_with_only_part_of_a_secret_passes_unchanged()
    {
        var verdict = await Guard.InspectTextAsync(_workspace, "nothing secret, sk-live/ab only", AllowAll);

        Assert.False(verdict.IsBlocked);
        Assert.Equal("nothing secret, sk-live/ab only", verdict.Content);
        Assert.Empty(verdict.Redactions);
    }

    [Fact]
    public async Task Another_workspace_may_send_this_workspace_s_secret_value_as_plain_text()
    {
        var verdict = await Guard.InspectTextAsync(WorkspaceIds.NewWorkspaceId(), Value, AllowAll);

        Assert.False(verdict.IsBlocked);
    }

    [Theory]
    [InlineData("mail bob@example.com", EgressAction.Block, "it contains an email address, which this workspace's policy blocks")]
    [InlineData("ring +44 20 7946 0958", EgressAction.Block, "it contains a phone number, which this workspace's policy blocks")]
    [InlineData("card 4111 1111 1111 1111", EgressAction.Block, "it contains a card number, which this workspace's policy blocks")]
    [InlineData("mail bob@example.com", EgressAction.Allow, null)]
    [InlineData("card 4111 1111 1111 1111", EgressAction.Allow, null)]
    public async Task Personal_data_is_blocked_or_allowed_as_the_policy_says(string text, EgressAction action, string? blocked)
    {
        var verdict = await Guard.InspectTextAsync(_workspace, text, new EgressPolicy(action, action, action));

        Assert.Equal(blocked, verdict.Blocked);
        Assert.False(verdict.BySecret);
        Assert.Equal(text, verdict.Content);
    }

    [Fact]
    public async Task Personal_data_is_redacted_by_kind_and_the_others_are_left_alone()
    {
        var policy = new EgressPolicy(EgressAction.Redact, EgressAction.Allow, EgressAction.Redact);

        var verdict = await Guard.InspectTextAsync(_workspace, "bob@example.com, +44 20 7946 0958, 4111 1111 1111 1111", policy);

        Assert.False(verdict.IsBlocked);
        Assert.Equal("[redacted email], +44 20 7946 0958, [redacted card]", verdict.Content);
        Assert.Equal(["card number", "email address"], verdict.Redactions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_blocked_kind_wins_over_a_redacted_one()
    {
        var policy = new EgressPolicy(EgressAction.Redact, EgressAction.Block, EgressAction.Allow);

        var verdict = await Guard.InspectTextAsync(_workspace, "bob@example.com or +44 20 7946 0958", policy);

        Assert.Equal("it contains a phone number, which this workspace's policy blocks", verdict.Blocked);
        Assert.Empty(verdict.Redactions);
    }

    [Fact]
    public async Task A_secret_wins_over_personal_data()
    {
        var verdict = await Guard.InspectTextAsync(_workspace, $"bob@example.com {Value}", new EgressPolicy(EgressAction.Block, EgressAction.Block, EgressAction.Block));

        Assert.True(verdict.BySecret);
    }

    [Fact]
    public async Task Personal_data_redaction_cannot_reach_in_a_number_or_a_property_name_blocks_instead()
    {
        var policy = new EgressPolicy(EgressAction.Redact, EgressAction.Allow, EgressAction.Redact);

        var inNumber = await Guard.InspectJsonAsync(_workspace, """{"n":4111111111111111}""", policy);
        var inName = await Guard.InspectJsonAsync(_workspace, """{"bob@example.com":1}""", policy);

        Assert.True(inNumber.IsBlocked);
        Assert.True(inName.IsBlocked);
    }

    [Theory]
    [InlineData("4111111111111111@x.io")]
    [InlineData("4111-1111-1111-1111@x.io")]
    public async Task A_card_number_dressed_as_an_email_address_is_still_blocked_when_addresses_are_allowed(string text)
    {
        var verdict = await Guard.InspectTextAsync(_workspace, $"send to {text}", EgressPolicy.Default);

        Assert.True(verdict.IsBlocked);
    }

    [Fact]
    public async Task Json_redaction_keeps_the_document_valid_and_changes_only_string_values()
    {
        const string json = """{"to":"bob@example.com","n":41,"ok":true,"none":null,"bob":1,"list":["x bob@example.com y",2.5,{"deep":"card 4111 1111 1111 1111"}]}""";
        var policy = new EgressPolicy(EgressAction.Redact, EgressAction.Allow, EgressAction.Redact);

        var verdict = await Guard.InspectJsonAsync(_workspace, json, policy);

        Assert.False(verdict.IsBlocked);
        using var document = JsonDocument.Parse(verdict.Content);
        var root = document.RootElement;
        Assert.Equal("[redacted email]", root.GetProperty("to").GetString());
        Assert.Equal("41", root.GetProperty("n").GetRawText());
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("none").ValueKind);
        Assert.Equal(1, root.GetProperty("bob").GetInt32());
        Assert.Equal("x [redacted email] y", root.GetProperty("list")[0].GetString());
        Assert.Equal(2.5, root.GetProperty("list")[1].GetDouble());
        Assert.Equal("card [redacted card]", root.GetProperty("list")[2].GetProperty("deep").GetString());
        Assert.Equal(["card number", "email address"], verdict.Redactions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Json_without_personal_data_is_returned_byte_for_byte()
    {
        const string json = """{ "a" : "plain",  "b": [1, 2] }""";

        var verdict = await Guard.InspectJsonAsync(_workspace, json, new EgressPolicy(EgressAction.Redact, EgressAction.Redact, EgressAction.Redact));

        Assert.Same(json, verdict.Content);
        Assert.Empty(verdict.Redactions);
    }

    [Fact]
    public async Task A_blocked_json_payload_comes_back_unchanged()
    {
        const string json = """{"to":"bob@example.com"}""";

        var verdict = await Guard.InspectJsonAsync(_workspace, json, new EgressPolicy(EgressAction.Block, EgressAction.Allow, EgressAction.Allow));

        Assert.Equal("it contains an email address, which this workspace's policy blocks", verdict.Blocked);
        Assert.Equal(json, verdict.Content);
    }

    [Fact]
    public void The_default_policy_blocks_cards_and_allows_addresses_and_phones()
    {
        Assert.Equal([PiiKind.CardNumber], EgressGuard.KindsWith(EgressPolicy.Default, EgressAction.Block));
        Assert.Equal([PiiKind.Email, PiiKind.Phone], EgressGuard.KindsWith(EgressPolicy.Default, EgressAction.Allow).Order());
        Assert.Empty(EgressGuard.KindsWith(EgressPolicy.Default, EgressAction.Redact));
    }

    [Fact]
    public void Kinds_with_an_action_partition_every_kind()
    {
        var policy = new EgressPolicy(EgressAction.Redact, EgressAction.Block, EgressAction.Redact);

        Assert.Equal([PiiKind.Email, PiiKind.CardNumber], EgressGuard.KindsWith(policy, EgressAction.Redact).Order());
        Assert.Equal([PiiKind.Phone], EgressGuard.KindsWith(policy, EgressAction.Block));
        Assert.Empty(EgressGuard.KindsWith(policy, EgressAction.Allow));
    }
}
