using System.Collections.Immutable;
using Platform.Grains.Connectors;
using Platform.Grains.Interfaces.Connectors;

namespace Platform.Grains.Tests.Connectors;

public sealed class ConnectorRulesTests
{
    public static TheoryData<string, CreateConnector, string> Refused => new()
    {
        { "unknown kind", new((ConnectorKind)7, "x", Channels: ["C0123ABCD"]), "request" },
        { "empty name", new(ConnectorKind.Slack, " ", Channels: ["C0123ABCD"]), "request" },
        { "long name", new(ConnectorKind.Slack, new string('n', 81), Channels: ["C0123ABCD"]), "request" },
        { "control character in name", new(ConnectorKind.Slack, "a\nb", Channels: ["C0123ABCD"]), "request" },
        { "slack without channels", new(ConnectorKind.Slack, "s"), "channels" },
        { "slack with empty channels", new(ConnectorKind.Slack, "s", Channels: []), "channels" },
        { "slack channel by name", new(ConnectorKind.Slack, "s", Channels: ["#general"]), "channels" },
        { "slack channel lower case", new(ConnectorKind.Slack, "s", Channels: ["c0123abcd"]), "channels" },
        { "slack channel bad prefix", new(ConnectorKind.Slack, "s", Channels: ["X0123ABCD"]), "channels" },
        { "slack channel too short", new(ConnectorKind.Slack, "s", Channels: ["C1"]), "channels" },
        { "slack channel null", new(ConnectorKind.Slack, "s", Channels: [null!]), "channels" },
        { "slack too many channels", new(ConnectorKind.Slack, "s", Channels: [.. Enumerable.Range(10, 11).Select(i => $"C0{i}")]), "channels" },
        { "slack with repositories", new(ConnectorKind.Slack, "s", Channels: ["C0123ABCD"], Repositories: ["o/r"]), "repositories" },
        { "slack with urls", new(ConnectorKind.Slack, "s", Channels: ["C0123ABCD"], AllowedUrls: ["https://a.test/"]), "allowedUrls" },
        { "github without repositories", new(ConnectorKind.GitHub, "g"), "repositories" },
        { "github owner only", new(ConnectorKind.GitHub, "g", Repositories: ["octo"]), "repositories" },
        { "github three segments", new(ConnectorKind.GitHub, "g", Repositories: ["octo/repo/x"]), "repositories" },
        { "github dot dot", new(ConnectorKind.GitHub, "g", Repositories: ["octo/.."]), "repositories" },
        { "github dot dot inside", new(ConnectorKind.GitHub, "g", Repositories: ["octo/a..b"]), "repositories" },
        { "github owner starting with dash", new(ConnectorKind.GitHub, "g", Repositories: ["-octo/repo"]), "repositories" },
        { "github owner too long", new(ConnectorKind.GitHub, "g", Repositories: [new string('o', 40) + "/repo"]), "repositories" },
        { "github url", new(ConnectorKind.GitHub, "g", Repositories: ["https://github.com/octo/repo"]), "repositories" },
        { "github too many", new(ConnectorKind.GitHub, "g", Repositories: [.. Enumerable.Range(0, 11).Select(i => $"octo/r{i}")]), "repositories" },
        { "github with channels", new(ConnectorKind.GitHub, "g", Channels: ["C0123ABCD"], Repositories: ["octo/repo"]), "channels" },
        { "github with urls", new(ConnectorKind.GitHub, "g", Repositories: ["octo/repo"], AllowedUrls: ["https://a.test/"]), "allowedUrls" },
        { "http without urls", new(ConnectorKind.Http, "h"), "allowedUrls" },
        { "http relative url", new(ConnectorKind.Http, "h", AllowedUrls: ["/hooks"]), "allowedUrls" },
        { "http ftp url", new(ConnectorKind.Http, "h", AllowedUrls: ["ftp://a.test/"]), "allowedUrls" },
        { "http file url", new(ConnectorKind.Http, "h", AllowedUrls: ["file:///etc/passwd"]), "allowedUrls" },
        { "http url with credentials", new(ConnectorKind.Http, "h", AllowedUrls: ["https://user:pw@a.test/"]), "allowedUrls" },
        { "http url with query", new(ConnectorKind.Http, "h", AllowedUrls: ["https://a.test/x?y=1"]), "allowedUrls" },
        { "http url with fragment", new(ConnectorKind.Http, "h", AllowedUrls: ["https://a.test/x#y"]), "allowedUrls" },
        { "http url too long", new(ConnectorKind.Http, "h", AllowedUrls: ["https://a.test/" + new string('p', 2000)]), "allowedUrls" },
        { "http too many", new(ConnectorKind.Http, "h", AllowedUrls: [.. Enumerable.Range(0, 11).Select(i => $"https://a.test/{i}")]), "allowedUrls" },
        { "http with channels", new(ConnectorKind.Http, "h", Channels: ["C0123ABCD"], AllowedUrls: ["https://a.test/"]), "channels" },
        { "http with repositories", new(ConnectorKind.Http, "h", Repositories: ["o/r"], AllowedUrls: ["https://a.test/"]), "repositories" },
        { "http secret as a value", new(ConnectorKind.Http, "h", AllowedUrls: ["https://a.test/"], AuthorizationSecret: "Bearer abc"), "request" },
        { "http secret as a name", new(ConnectorKind.Http, "h", AllowedUrls: ["https://a.test/"], AuthorizationSecret: "api"), "request" },
        { "http secret with a bad name", new(ConnectorKind.Http, "h", AllowedUrls: ["https://a.test/"], AuthorizationSecret: "secret://API"), "request" },
        { "slack with a secret", new(ConnectorKind.Slack, "s", Channels: ["C0123ABCD"], AuthorizationSecret: "secret://api"), "request" },
        { "github with a secret", new(ConnectorKind.GitHub, "g", Repositories: ["octo/repo"], AuthorizationSecret: "secret://api"), "request" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_request_outside_the_rules_is_refused_naming_the_field(string because, CreateConnector request, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => ConnectorRules.Validate(request));

        Assert.True(field == error.ParamName, $"{because}: expected {field}, got {error.ParamName}");
    }

    [Fact]
    public void A_slack_request_answers_its_channels_without_duplicates_and_nothing_else()
    {
        var (channels, repositories, urls) = ConnectorRules.Validate(new(ConnectorKind.Slack, "Team", Channels: ["C0123ABCD", "G0123", "D9ZZ", "C0123ABCD"]));

        Assert.Equal(["C0123ABCD", "G0123", "D9ZZ"], channels);
        Assert.Empty(repositories);
        Assert.Empty(urls);
    }

    [Fact]
    public void A_github_request_answers_its_repositories()
    {
        var (channels, repositories, urls) = ConnectorRules.Validate(new(ConnectorKind.GitHub, "Code", Repositories: ["octo-org/repo.name_1", "O/r"]));

        Assert.Empty(channels);
        Assert.Equal(["octo-org/repo.name_1", "O/r"], repositories);
        Assert.Empty(urls);
    }

    [Fact]
    public void An_http_request_answers_its_url_prefixes_and_may_name_a_secret_handle()
    {
        var (channels, repositories, urls) = ConnectorRules.Validate(new(ConnectorKind.Http, "Hooks", AllowedUrls: ["https://api.example.test/v1/", "http://10.0.0.1:8080"], AuthorizationSecret: "secret://hook.token"));

        Assert.Empty(channels);
        Assert.Empty(repositories);
        Assert.Equal(["https://api.example.test/v1/", "http://10.0.0.1:8080"], urls);
    }

    [Fact]
    public void Ten_scope_entries_are_the_most_accepted()
    {
        var urls = ImmutableArray.CreateRange(Enumerable.Range(0, ConnectorRules.MaxScopeEntries).Select(i => $"https://a.test/{i}"));

        Assert.Equal(10, ConnectorRules.Validate(new(ConnectorKind.Http, "h", AllowedUrls: urls)).AllowedUrls.Length);
    }

    [Fact]
    public void Empty_lists_of_another_kind_s_fields_are_not_a_refusal()
    {
        var (channels, _, _) = ConnectorRules.Validate(new(ConnectorKind.Slack, "s", Channels: ["C0123ABCD"], Repositories: [], AllowedUrls: []));

        Assert.Single(channels);
    }

    [Theory]
    [InlineData("con0123456789ab", true)]
    [InlineData("con0123456789AB", false)]
    [InlineData("con0123456789a", false)]
    [InlineData("con0123456789abc", false)]
    [InlineData("cox0123456789ab", false)]
    [InlineData("con0123456789ag", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Connector_ids_are_con_and_twelve_lower_case_hex_digits(string? id, bool valid)
    {
        Assert.Equal(valid, ConnectorRules.IsValidId(id));
    }

    [Fact]
    public void New_ids_are_valid_and_distinct()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => ConnectorRules.NewId()).ToList();

        Assert.All(ids, id => Assert.True(ConnectorRules.IsValidId(id), id));
        Assert.Equal(100, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
