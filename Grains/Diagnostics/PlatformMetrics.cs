using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace Platform.Grains.Diagnostics;

/// <summary>
/// The platform's own instruments, on the meter <see cref="MeterName"/>: what was spent, what the budget refused, which
/// thresholds were crossed, what the egress check blocked, how approvals were asked and decided, and which calls the
/// runtime refused across tenants. Tags are a few fixed words; the workspace id is a tag only when the operator turns
/// <see cref="TelemetryOptions.WorkspaceLabel"/> on. Nothing of a workspace's content is ever a tag.
/// </summary>
public sealed class PlatformMetrics : IDisposable
{
    /// <summary>The meter every platform instrument belongs to.</summary>
    public const string MeterName = "Platform";

    private readonly Meter _meter;
    private readonly bool _workspaceLabel;
    private readonly Counter<long> _spent;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _thresholds;
    private readonly Counter<long> _egressBlocked;
    private readonly Counter<long> _approvalsRequested;
    private readonly Counter<long> _approvalsDecided;
    private readonly Counter<long> _tenantRefusals;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public PlatformMetrics(IMeterFactory meterFactory, IOptions<TelemetryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(options);
        _workspaceLabel = options.Value.WorkspaceLabel;
        _meter = meterFactory.Create(MeterName);
        _spent = _meter.CreateCounter<long>("platform.budget.spent", "{microdollar}", "Spend settled against workspace budgets, in millionths of a dollar at the operator's prices, by source (proxy or run).");
        _refused = _meter.CreateCounter<long>("platform.budget.reservations_refused", "{reservation}", "Model calls the budget refused before they were sent, by reason (out_of_budget, too_large, run_cap).");
        _thresholds = _meter.CreateCounter<long>("platform.budget.thresholds_crossed", "{crossing}", "Budget thresholds crossed (50, 75, 90 % and 100 % exhausted), by percent.");
        _egressBlocked = _meter.CreateCounter<long>("platform.egress.blocked", "{block}", "Outgoing content the egress check blocked, by kind (secret or personal_data).");
        _approvalsRequested = _meter.CreateCounter<long>("platform.approvals.requested", "{approval}", "Approvals asked of people.");
        _approvalsDecided = _meter.CreateCounter<long>("platform.approvals.decided", "{approval}", "Approvals that ended, by outcome (approved, denied, expired, withdrawn).");
        _tenantRefusals = _meter.CreateCounter<long>("platform.isolation.refused_calls", "{call}", "Grain calls the runtime's tenant filter refused, by target grain type and caller (client or grain).");
    }

    /// <summary>Spend settled for <paramref name="workspaceId"/>; <paramref name="source"/> is <c>proxy</c> or <c>run</c>.</summary>
    public void Spent(string workspaceId, string source, long micros)
    {
        if (_spent.Enabled && micros > 0)
        {
            _spent.Add(micros, Tags(workspaceId, "source", source));
        }
    }

    /// <summary>A reservation refused; <paramref name="reason"/> is one of a few fixed words.</summary>
    public void ReservationRefused(string workspaceId, string reason) => Add(_refused, workspaceId, "reason", reason);

    /// <summary>A threshold newly crossed this period.</summary>
    public void ThresholdCrossed(string workspaceId, int percent) =>
        Add(_thresholds, workspaceId, "percent", percent.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Content kept from leaving; <paramref name="kind"/> is <c>secret</c> or <c>personal_data</c>.</summary>
    public void EgressBlocked(string workspaceId, string kind) => Add(_egressBlocked, workspaceId, "kind", kind);

    /// <summary>An approval asked of people.</summary>
    public void ApprovalRequested(string workspaceId)
    {
        if (_approvalsRequested.Enabled)
        {
            _approvalsRequested.Add(1, Tags(workspaceId));
        }
    }

    /// <summary>An approval ended with <paramref name="outcome"/>.</summary>
    public void ApprovalDecided(string workspaceId, string outcome) => Add(_approvalsDecided, workspaceId, "outcome", outcome);

    /// <summary>A call refused by the tenant filter. The caller's own workspace is never a tag: it is another tenant's.</summary>
    public void TenantCallRefused(string targetWorkspaceId, string targetGrainType, string caller)
    {
        if (_tenantRefusals.Enabled)
        {
            var tags = Tags(targetWorkspaceId, "grain_type", targetGrainType);
            tags.Add("caller", caller);
            _tenantRefusals.Add(1, tags);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private void Add(Counter<long> counter, string workspaceId, string key, string value)
    {
        if (counter.Enabled)
        {
            counter.Add(1, Tags(workspaceId, key, value));
        }
    }

    private System.Diagnostics.TagList Tags(string workspaceId, string? key = null, string? value = null)
    {
        var tags = new System.Diagnostics.TagList();
        if (key is not null)
        {
            tags.Add(key, value);
        }

        if (_workspaceLabel)
        {
            tags.Add("workspace", workspaceId);
        }

        return tags;
    }
}
