using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Proxy;

/// <summary>The OpenAI-compatible endpoint's settings (<c>Platform:Proxy</c>).</summary>
internal sealed class ProxyOptions
{
    public const string SectionName = "Platform:Proxy";

    /// <summary>
    /// Prompt tokens reserved for each image, audio clip or file in a request, whose cost its text does not show
    /// (OpenAI prices a high-detail image at up to about 1,100 tokens on its 4o models; other models differ).
    /// </summary>
    [Range(0, 1_000_000)]
    public int AttachmentTokens { get; set; } = 2_000;

    /// <summary>How long the model provider may take to start answering (the whole answer, when not streaming).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether a call's answer completes only once its charge is on the ledger and its audit entry written. Off (the
    /// default), charges and audit entries are written in batches after the answer, so a killed process can lose the
    /// ledger lines of answers already delivered (the cap still holds: their amount stays withheld). On, every call
    /// waits for one durable write, and an answer whose charge could not be recorded is withheld.
    /// </summary>
    public bool StrictBilling { get; set; }
}
