using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Tools;

/// <summary>How <c>webhook.post</c> calls out (section <c>Platform:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>How long one post may take; a slow endpoint must not hold a run.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
