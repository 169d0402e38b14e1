using Microsoft.Extensions.AI;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Models;

/// <summary>Gives the <see cref="IChatClient"/> for a workspace's model settings: <c>local</c> or <c>openai</c>.</summary>
public interface IChatClientProvider
{
    /// <summary>The client for <paramref name="settings"/>; clients may be cached per settings.</summary>
    IChatClient GetClient(ModelSettings settings);
}
