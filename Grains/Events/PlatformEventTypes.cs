using System.Collections.Frozen;
using System.Text.Json;
using Platform.Grains.Interfaces.Events;

namespace Platform.Grains.Events;

/// <summary>
/// The events the platform publishes, by the names their outbox entries are stored under. A closed list: an outbox
/// entry names one of these or it is not an event of this platform, and a stored name must never change.
/// </summary>
public static class PlatformEventTypes
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private static readonly FrozenDictionary<string, Type> s_byName = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["approval.requested"] = typeof(ApprovalRequested),
        ["approval.decided"] = typeof(ApprovalDecided),
        ["budget.threshold_crossed"] = typeof(BudgetThresholdCrossed),
        ["budget.exhausted"] = typeof(BudgetExhausted),
        ["run.finished"] = typeof(RunFinished),
        ["connector.revoked"] = typeof(ConnectorRevoked),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, string> s_byType = s_byName.ToFrozenDictionary(static p => p.Value, static p => p.Key);

    /// <summary>Every published event type.</summary>
    public static IEnumerable<Type> All => s_byName.Values;

    /// <summary>A new outbox entry for <paramref name="platformEvent"/>, with a new event id.</summary>
    public static OutboxEntry Entry(object platformEvent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        var type = platformEvent.GetType();
        if (!s_byType.TryGetValue(type, out var name))
        {
            throw new ArgumentException($"{type.Name} is not a platform event; add it to {nameof(PlatformEventTypes)}.", nameof(platformEvent));
        }

        return new OutboxEntry
        {
            EventId = Guid.CreateVersion7(now),
            EventType = name,
            Payload = JsonSerializer.Serialize(platformEvent, type, s_json),
            RecordedAt = now,
        };
    }

    /// <summary>The event an entry holds, or <see langword="null"/> when this build does not know its type.</summary>
    public static object? Read(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return s_byName.TryGetValue(entry.EventType, out var type) ? JsonSerializer.Deserialize(entry.Payload, type, s_json) : null;
    }
}
