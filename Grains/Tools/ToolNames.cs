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
}
