using System.ComponentModel.DataAnnotations;

namespace Platform.Silo.Hosting;

/// <summary>
/// The silo's settings, bound from configuration section <c>Silo</c> and validated at start-up. Each maps onto an
/// Orleans option; the names are the platform's so an operator's settings outlive the runtime they configure.
/// </summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Silo";

    /// <summary>
    /// Orleans' ServiceId: grain state and reminders are keyed by it, so it stays the same across restarts, upgrades and
    /// every silo of one deployment. Orleans' own default ("dev") would mix deployments that share a database.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Silo:ServiceId is 1 to 63 lower-case letters, digits or hyphens.")]
    public string ServiceId { get; set; } = "agent-platform";

    /// <summary>Orleans' ClusterId: silos with the same one form a cluster.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "Silo:ClusterId is 1 to 63 lower-case letters, digits or hyphens.")]
    public string ClusterId { get; set; } = "agent-platform";

    /// <summary>
    /// Where the cluster's membership lives: <c>single</c> (the embedded default: this one silo, membership in memory,
    /// listening on loopback) or <c>postgres</c> (silos sharing <see cref="ClusterId"/> find each other in the
    /// <c>Silo:Postgres</c> database, which must then also hold their state: <c>Silo:Storage=postgres</c>).
    /// </summary>
    [Required]
    [RegularExpression("^(single|postgres)$", ErrorMessage = "Silo:Clustering is 'single' or 'postgres'.")]
    public string Clustering { get; set; } = "single";

    /// <summary>
    /// The IP address other silos reach this one at (<c>postgres</c> clustering). Empty: the first address of this
    /// machine's network interfaces that is not loopback, as Orleans picks it.
    /// </summary>
    [RegularExpression(@"^$|^[0-9A-Fa-f:.]+$", ErrorMessage = "Silo:AdvertisedAddress is an IPv4 or IPv6 address, or empty.")]
    public string AdvertisedAddress { get; set; } = "";

    /// <summary>
    /// Running as pods of a Kubernetes deployment (<c>postgres</c> clustering only): Orleans' Kubernetes hosting takes
    /// the pod's name, namespace and IP from the environment the manifests in <c>deploy/kubernetes</c> set, and deletes
    /// the pods of silos the cluster declared dead.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>This node's name in the membership table, logs and metrics. Empty: a name Orleans makes up.</summary>
    [RegularExpression("^$|^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$", ErrorMessage = "Silo:NodeName is 1 to 63 letters, digits, dots, hyphens or underscores.")]
    public string NodeName { get; set; } = "";

    /// <summary>The port silos talk to each other on.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port cluster clients (a separate gateway process) connect to.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

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

    /// <summary>
    /// How long a graceful shutdown waits for running turns to finish and activations to deactivate. Longer than
    /// <see cref="CallTimeout"/> by default: a turn (or a deactivation's last flush) whose call gets no answer while the
    /// silo stops waits out the call timeout, and a stop that ended first would be cut short with that turn unfinished.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>The shortest period a reminder may have. Orleans' default is a minute; reminders are durable wake-ups, not timers.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
