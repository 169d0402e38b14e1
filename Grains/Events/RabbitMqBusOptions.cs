namespace Platform.Grains.Events;

/// <summary>
/// Where the RabbitMQ broker is (section <c>Platform:Bus:RabbitMq</c>). The password comes from configuration, the
/// environment (<c>Platform__Bus__RabbitMq__Password</c>) or a mounted file (<see cref="PasswordFile"/>); it is never
/// logged.
/// </summary>
public sealed class RabbitMqBusOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>A file holding the password, read at start when <see cref="Password"/> is empty.</summary>
    public string PasswordFile { get; set; } = "";
}
