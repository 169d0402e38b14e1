using System.Diagnostics;
using OpenTelemetry;

namespace Platform.Silo.Hosting;

/// <summary>
/// Takes the grain ids off Orleans' spans before they are exported. A workspace's grains are keyed by its id, so the
/// ids would put every active workspace (and its runs) into the operator's trace store, which the platform keeps out
/// of telemetry unless the operator asks for it (<c>Platform:Telemetry:WorkspaceLabel</c>). The grain type and method stay.
/// </summary>
internal sealed class TraceRedactionProcessor : BaseProcessor<Activity>
{
    private static readonly string[] s_grainIdTags =
    [
        "orleans.grain.id",
        "orleans.rpc.source_id",
        "orleans.rpc.target_id",
        "orleans.activation.id",
        "orleans.directory.forwarding.address",
        "orleans.directory.registered.address",
    ];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var tag in s_grainIdTags)
        {
            if (data.GetTagItem(tag) is not null)
            {
                data.SetTag(tag, null);
            }
        }
    }
}
