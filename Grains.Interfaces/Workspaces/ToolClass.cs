namespace Platform.Grains.Interfaces.Workspaces;

/// <summary>How far a tool reaches, which decides whether a human must approve it.</summary>
public enum ToolClass
{
    /// <summary>Reads inside the workspace; never waits for approval.</summary>
    Read,

    /// <summary>Changes data inside the workspace.</summary>
    Write,

    /// <summary>Leaves the workspace: a mail, a post, a webhook, a commit, a payment.</summary>
    Send,

    /// <summary>Deletes or otherwise cannot be undone.</summary>
    Destructive,
}
