using System.ComponentModel.DataAnnotations;

namespace Platform.Silo.Hosting;

/// <summary>The runtime's knobs, bound from configuration section <c>Silo</c> and validated at start-up.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Silo";

    /// <summary>How long a caller waits for a grain call before it fails with <see cref="TimeoutException"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An activation unused for this long is deactivated.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one activation's <c>OnDeactivateAsync</c> may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a graceful shutdown waits for running turns to finish and activations to deactivate.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often due reminders are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The shortest period a periodic reminder may have (durable wake-ups are not timers).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromSeconds(1);
}
