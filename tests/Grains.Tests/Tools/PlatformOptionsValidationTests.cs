using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Grains.Models;
using Platform.Grains.Secrets;
using Platform.Grains.Tools;
using Platform.Grains.Workspaces;

namespace Platform.Grains.Tests.Tools;

/// <summary>
/// The model and tool settings are checked by build-time validators (a <c>TimeSpan</c> range checked through the
/// reflection validator can throw <c>InvalidCastException</c> when two hosts validate at once): the ranges and the
/// settings' own rules still refuse bad values, and no reflection validator is left registered beside them.
/// </summary>
public sealed class PlatformOptionsValidationTests
{
    [Theory]
    [InlineData("Platform:Smtp:Timeout", "00:00:00", "Timeout")]
    [InlineData("Platform:Smtp:Timeout", "00:10:01", "Timeout")]
    [InlineData("Platform:Smtp:Port", "0", "Port")]
    [InlineData("Platform:Smtp:From", "not an address", "Platform:Smtp:From must be a plain email address.")]
    [InlineData("Platform:Smtp:HeloName", "bad helo!", "HeloName")]
    public void A_bad_smtp_setting_is_refused_with_a_message_naming_it(string setting, string value, string named)
    {
        using var services = Build(new() { [setting] = value });

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SmtpOptions>>().Value);

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_api_key_with_whitespace_is_refused_without_echoing_the_key()
    {
        using var services = Build(new() { ["Platform:Models:OpenAI:ApiKey"] = "sk-pasted with space" });

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OpenAIModelOptions>>().Value);

        Assert.Contains("Platform:Models:OpenAI:ApiKey", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-pasted", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_pass_every_validator()
    {
        using var services = Build([]);

        Assert.NotNull(services.GetRequiredService<IOptions<SmtpOptions>>().Value);
        Assert.NotNull(services.GetRequiredService<IOptions<WebhookOptions>>().Value);
        Assert.NotNull(services.GetRequiredService<IOptions<OpenAIModelOptions>>().Value);
        Assert.NotNull(services.GetRequiredService<IOptions<SecretsOptions>>().Value);
    }

    [Fact]
    public void Options_with_time_ranges_are_checked_by_generated_validators_only()
    {
        using var services = Build([]);

        AssertGeneratedOnly<SmtpOptions, SmtpOptionsValidator>(services);
        AssertGeneratedOnly<WebhookOptions, WebhookOptionsValidator>(services);
        AssertGeneratedOnly<OpenAIModelOptions, OpenAIModelOptionsValidator>(services);
        AssertGeneratedOnly<SecretsOptions, SecretsOptionsValidator>(services);
    }

    [Theory]
    [InlineData("Platform:KeyCache:Lifetime", "-00:00:01", "Lifetime")]
    [InlineData("Platform:KeyCache:Lifetime", "00:05:01", "Lifetime")]
    [InlineData("Platform:KeyCache:MaxEntries", "0", "MaxEntries")]
    public void A_bad_key_cache_setting_is_refused_with_a_message_naming_it(string setting, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPlatformGrains().BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KeyCacheOptions>>().Value);

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
        AssertGeneratedOnly<KeyCacheOptions, KeyCacheOptionsValidator>(services);
    }

    private static void AssertGeneratedOnly<TOptions, TValidator>(IServiceProvider services)
        where TOptions : class
    {
        var validators = services.GetServices<IValidateOptions<TOptions>>().ToList();

        Assert.Single(validators, static v => v is TValidator);
        Assert.DoesNotContain(validators, static v => v is DataAnnotationValidateOptions<TOptions>);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddPlatformModelsAndTools(configuration).BuildServiceProvider();
    }
}
