using System.Net;

namespace Platform.Gateway.Tests;

/// <summary>Asks every node's <c>/readyz</c>, counting the answers that would take a node out of the balancer.</summary>
internal sealed class ReadinessProbe(IReadOnlyList<GatewayProcess> nodes)
{
    public int Probes { get; private set; }

    public int NotReady { get; private set; }

    /// <summary>One round over every node; returns how many of them were not ready in it.</summary>
    public async Task<int> ProbeAsync()
    {
        var notReady = 0;
        foreach (var node in nodes)
        {
            using var client = node.Client();
            using var answer = await client.GetAsync(new Uri("/readyz", UriKind.Relative), ProcessFlow.Ct);
            Probes++;
            notReady += answer.StatusCode == HttpStatusCode.OK ? 0 : 1;
        }

        NotReady += notReady;
        return notReady;
    }
}
