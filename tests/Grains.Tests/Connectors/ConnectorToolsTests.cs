using System.Collections.Immutable;
using System.Text.Json;
using Platform.Grains.Connectors;
using Platform.Grains.Interfaces.Connectors;
using Platform.Grains.Tools;

namespace Platform.Grains.Tests.Connectors;

public sealed class ConnectorToolsTests
{
    private const string Id = "con0123456789ab";

    private static readonly ConnectorView Slack = View(ConnectorKind.Slack, channels: ["C0123ABCD", "G0SECRET"]);
    private static readonly ConnectorView GitHub = View(ConnectorKind.GitHub, repositories: ["Octo-Org/Widgets"]);
    private static readonly ConnectorView Http = View(ConnectorKind.Http, urls: ["https://api.example.test/v1/hooks", "http://intranet.test:8080/"]);

    [Theory]
    [InlineData(ToolNames.SlackPostMessage, ConnectorKind.Slack)]
    [InlineData(ToolNames.SlackReadHistory, ConnectorKind.Slack)]
    [InlineData(ToolNames.GitHubCreateIssue, ConnectorKind.GitHub)]
    [InlineData(ToolNames.GitHubComment, ConnectorKind.GitHub)]
    [InlineData(ToolNames.GitHubReadFile, ConnectorKind.GitHub)]
    [InlineData(ToolNames.HttpGet, ConnectorKind.Http)]
    [InlineData(ToolNames.HttpPost, ConnectorKind.Http)]
    public void Connector_tools_name_the_kind_they_need(string tool, ConnectorKind kind)
    {
        Assert.Equal(kind, ConnectorTools.KindOf(tool));
    }

    [Theory]
    [InlineData(ToolNames.NotesRead)]
    [InlineData(ToolNames.NotesWrite)]
    [InlineData(ToolNames.EmailSend)]
    [InlineData(ToolNames.WebhookPost)]
    [InlineData("slack.post_message.x")]
    [InlineData("SLACK.POST_MESSAGE")]
    [InlineData("")]
    public void Other_tools_need_no_connector(string tool)
    {
        Assert.Null(ConnectorTools.KindOf(tool));
        Assert.Null(ConnectorTools.ConnectorIdOf(tool, """{"connector":"con0123456789ab"}"""));
    }

    [Fact]
    public void The_connector_id_is_read_from_a_connector_tool_s_arguments()
    {
        Assert.Equal(Id, ConnectorTools.ConnectorIdOf(ToolNames.SlackPostMessage, """{"channel":"C0123ABCD","connector":"con0123456789ab","text":"hi"}"""));
        Assert.Null(ConnectorTools.ConnectorIdOf(ToolNames.HttpGet, """{"url":"https://api.example.test/v1/hooks"}"""));
    }

    [Theory]
    [InlineData(ToolNames.SlackPostMessage, ConnectorKind.GitHub)]
    [InlineData(ToolNames.SlackPostMessage, ConnectorKind.Http)]
    [InlineData(ToolNames.GitHubComment, ConnectorKind.Slack)]
    [InlineData(ToolNames.HttpPost, ConnectorKind.GitHub)]
    [InlineData(ToolNames.EmailSend, ConnectorKind.Http)]
    public void A_tool_cannot_use_a_connector_of_another_kind(string tool, ConnectorKind kind)
    {
        var connector = kind switch { ConnectorKind.Slack => Slack, ConnectorKind.GitHub => GitHub, _ => Http };

        var refusal = ConnectorTools.ScopeRefusal(connector, tool, Arguments("""{"channel":"C0123ABCD","repository":"Octo-Org/Widgets","url":"https://api.example.test/v1/hooks"}"""));

        Assert.Equal($"{tool} cannot use {kind} connector {connector.Name}.", refusal);
    }

    [Theory]
    [InlineData("C0123ABCD", true)]
    [InlineData("G0SECRET", true)]
    [InlineData("c0123abcd", false)]
    [InlineData("C0123ABC", false)]
    [InlineData("C0123ABCDE", false)]
    [InlineData("C9999999", false)]
    public void Slack_calls_are_limited_to_granted_channels_exactly(string channel, bool granted)
    {
        var refusal = ConnectorTools.ScopeRefusal(Slack, ToolNames.SlackPostMessage, Arguments($$"""{"connector":"{{Id}}","channel":"{{channel}}","text":"hi"}"""));

        Assert.Equal(granted, refusal is null);
        if (!granted)
        {
            Assert.Equal($"channel '{channel}' is not granted to connector Slack connector (granted: C0123ABCD, G0SECRET).", refusal);
        }
    }

    [Theory]
    [InlineData("Octo-Org/Widgets", true)]
    [InlineData("octo-org/widgets", true)]
    [InlineData("OCTO-ORG/WIDGETS", true)]
    [InlineData("octo-org/widgets2", false)]
    [InlineData("octo-org/widget", false)]
    [InlineData("other/widgets", false)]
    [InlineData("octo-org", false)]
    public void GitHub_calls_are_limited_to_granted_repositories_ignoring_case(string repository, bool granted)
    {
        var refusal = ConnectorTools.ScopeRefusal(GitHub, ToolNames.GitHubCreateIssue, Arguments($$"""{"connector":"{{Id}}","repository":"{{repository}}","title":"t","body":"b"}"""));

        Assert.Equal(granted, refusal is null);
        if (!granted)
        {
            Assert.Contains($"repository '{repository}' is not granted", refusal, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("https://api.example.test/v1/hooks", true)]
    [InlineData("https://api.example.test/v1/hooks/a/b", true)]
    [InlineData("https://api.example.test/v1/hooks?x=1", true)]
    [InlineData("https://API.EXAMPLE.TEST/v1/hooks/a", true)]
    [InlineData("https://api.example.test:443/v1/hooks/a", true)]
    [InlineData("http://intranet.test:8080/anything", true)]
    [InlineData("https://api.example.test/v1/hooksevil", false)]
    [InlineData("https://api.example.test/v1/hook", false)]
    [InlineData("https://api.example.test/v1/HOOKS", false)]
    [InlineData("https://api.example.test/v1/", false)]
    [InlineData("http://api.example.test/v1/hooks", false)]
    [InlineData("https://api.example.test:8443/v1/hooks", false)]
    [InlineData("https://api.example.test.evil.test/v1/hooks", false)]
    [InlineData("https://user@api.example.test/v1/hooks", false)]
    [InlineData("http://intranet.test/anything", false)]
    public void Http_calls_are_limited_to_granted_prefixes_at_a_path_segment_boundary(string url, bool granted)
    {
        var refusal = ConnectorTools.ScopeRefusal(Http, ToolNames.HttpGet, Arguments($$"""{"connector":"{{Id}}","url":"{{url}}"}"""));

        Assert.Equal(granted, refusal is null);
        if (!granted)
        {
            Assert.Equal("the URL is not under connector Http connector's allowed prefixes.", refusal);
        }
    }

    private static JsonElement Arguments(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static ConnectorView View(ConnectorKind kind, ImmutableArray<string>? channels = null, ImmutableArray<string>? repositories = null, ImmutableArray<string>? urls = null) =>
        new(
            Id,
            kind,
            $"{kind} connector",
            ConnectorStatus.Connected,
            null,
            channels ?? [],
            repositories ?? [],
            urls ?? [],
            null,
            null,
            DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch,
            null);
}
