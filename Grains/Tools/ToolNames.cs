namespace Platform.Grains.Tools;

/// <summary>The names of the platform's tools, as the model sees them and the catalog knows them.</summary>
public static class ToolNames
{
    /// <summary>Reads the workspace's notes.</summary>
    public const string NotesRead = "notes.read";

    /// <summary>Adds a note inside the workspace.</summary>
    public const string NotesWrite = "notes.write";

    /// <summary>Sends an email over SMTP.</summary>
    public const string EmailSend = "email.send";

    /// <summary>Posts JSON to a URL on the workspace's webhook allowlist.</summary>
    public const string WebhookPost = "webhook.post";

    /// <summary>Posts a message to a Slack channel the connector was granted.</summary>
    public const string SlackPostMessage = "slack.post_message";

    /// <summary>Reads a granted Slack channel's recent messages.</summary>
    public const string SlackReadHistory = "slack.read_history";

    /// <summary>Opens an issue in a granted GitHub repository.</summary>
    public const string GitHubCreateIssue = "github.create_issue";

    /// <summary>Comments on an issue or pull request of a granted GitHub repository.</summary>
    public const string GitHubComment = "github.comment";

    /// <summary>Reads a file of a granted GitHub repository.</summary>
    public const string GitHubReadFile = "github.read_file";

    /// <summary>GETs a URL under an HTTP connector's allowed prefixes.</summary>
    public const string HttpGet = "http.get";

    /// <summary>POSTs to a URL under an HTTP connector's allowed prefixes.</summary>
    public const string HttpPost = "http.post";
}
