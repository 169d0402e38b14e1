using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Grains.Events;
using Platform.Testing;

namespace Platform.Gateway.Tests;

/// <summary>
/// Bus settings that could never work stop the host at start with the setting and what it accepts, never with the
/// broker's password in the message; a password read from a file is used as if it had been configured.
/// </summary>
public sealed class BusOptionsValidationTests
{
    private const string Password = "bus-password-that-must-not-leak-0123";

    public static TheoryData<string, string, string> Broken => new()
    {
        { "Platform:Bus:Transport", "kafka", "it must be 'inmemory' or 'rabbitmq'" },
        { "Platform:Bus:RabbitMq:Host", "", "Platform:Bus:RabbitMq:Host is required when Platform:Bus:Transport is 'rabbitmq'" },
        { "Platform:Bus:RabbitMq:Port", "0", "Platform:Bus:RabbitMq:Port must be between 1 and 65535" },
        { "Platform:Bus:RabbitMq:Username", "", "Platform:Bus:RabbitMq:Username is required" },
        { "Platform:Bus:RabbitMq:Password", "", "Platform:Bus:RabbitMq:Password (or PasswordFile, a file holding it) is required" },
        { "Platform:Bus:PublishTimeout", "00:00:00", "Platform:Bus:PublishTimeout must be between 1 second and 5 minutes" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_setting_that_could_never_work_stops_the_host_saying_what_is_accepted(string key, string value, string message)
    {
        var settings = RabbitMq();
        settings[key] = value;
        using var gateway = new GatewayFactory(settings);

        var exception = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        Assert.Contains(message, exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_file_that_cannot_be_read_stops_the_host_naming_the_file()
    {
        var settings = RabbitMq();
        settings["Platform:Bus:RabbitMq:Password"] = "";
        settings["Platform:Bus:RabbitMq:PasswordFile"] = "/nonexistent/rabbitmq-password";
        using var gateway = new GatewayFactory(settings);

        var exception = Assert.ThrowsAny<Exception>(() => gateway.CreateClient());

        Assert.Contains("Platform:Bus:RabbitMq:PasswordFile '/nonexistent/rabbitmq-password' cannot be read", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_file_supplies_the_password_without_its_line_break()
    {
        var file = Path.GetTempFileName();
        try
        {
            // As a Kubernetes Secret or 'echo' writes it: with a trailing newline.
            await File.WriteAllTextAsync(file, Password + "\n", TestContext.Current.CancellationToken);
            var settings = RabbitMq();
            settings["Platform:Bus:RabbitMq:Password"] = "";
            settings["Platform:Bus:RabbitMq:PasswordFile"] = file;
            await using var gateway = new GatewayFactory(settings);

            var options = gateway.Services.GetRequiredService<IOptions<BusOptions>>().Value;

            Assert.Equal(Password, options.RabbitMq.Password);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Settings for a broker on a loopback port nothing listens on: the host starts and keeps trying to connect.</summary>
    private static Dictionary<string, string?> RabbitMq() => new(StringComparer.Ordinal)
    {
        ["Platform:Bus:Transport"] = "rabbitmq",
        ["Platform:Bus:RabbitMq:Host"] = "127.0.0.1",
        ["Platform:Bus:RabbitMq:Port"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Platform:Bus:RabbitMq:Username"] = "platform",
        ["Platform:Bus:RabbitMq:Password"] = Password,
    };
}
