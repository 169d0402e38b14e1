using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Events;

/// <summary>The platform's event bus (section <c>Platform:Bus</c>), validated at start.</summary>
public sealed class BusOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Platform:Bus";

    /// <summary><c>inmemory</c> (the embedded default: one process) or <c>rabbitmq</c> (several nodes).</summary>
    [Required]
    [RegularExpression("^(?i:inmemory|rabbitmq)$", ErrorMessage = "Platform:Bus:Transport must be 'inmemory' or 'rabbitmq'.")]
    public string Transport { get; set; } = "inmemory";

    /// <summary>
    /// How long one publish may wait for the broker's confirmation before the event stays in its grain's outbox for a
    /// later attempt. Publishing never runs inside a grain's turn, so this bounds only how soon a retry starts.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Platform:Bus:PublishTimeout must be between 1 second and 5 minutes.")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The broker, when <see cref="Transport"/> is <c>rabbitmq</c>.</summary>
    public RabbitMqBusOptions RabbitMq { get; set; } = new();

    /// <summary>Whether the transport is RabbitMQ.</summary>
    public bool UsesRabbitMq => string.Equals(Transport, "rabbitmq", StringComparison.OrdinalIgnoreCase);
}
