using Platform.Grains.Models;

namespace Platform.Grains.Tests.Models;

public sealed class OpenAIModelOptionsTests
{
    [Theory]
    [InlineData("https://api.openai.com/v1", true)]
    [InlineData("https://API.openai.com/v1/", true)]
    [InlineData("https://api.openai.com/v1beta", false)]
    [InlineData("http://api.openai.com/v1", false)]
    [InlineData("https://api.openai.com.attacker.test/v1", false)]
    [InlineData("http://127.0.0.1:11434/v1", true)]
    [InlineData("http://127.0.0.1:8080/v1", false)]
    [InlineData("http://10.0.0.7/models/v1", true)]
    [InlineData("http://10.0.0.7/other", false)]
    [InlineData("http://169.254.169.254/latest", false)]
    public void The_operators_key_goes_only_to_model_servers_the_operator_listed(string baseUrl, bool allowed)
    {
        var options = new OpenAIModelOptions { AllowedBaseUrls = ["https://api.openai.com/v1", "http://127.0.0.1:11434/", "http://10.0.0.7/models"] };

        Assert.Equal(allowed, options.Allows(new Uri(baseUrl)));
    }

    [Fact]
    public void An_entry_without_a_port_allows_any_port_of_its_host()
    {
        var options = new OpenAIModelOptions { AllowedBaseUrls = ["http://127.0.0.1/"] };

        Assert.True(options.Allows(new Uri("http://127.0.0.1:41234/v1")));
        Assert.False(options.Allows(new Uri("http://127.0.0.2:41234/v1")));
    }

    [Fact]
    public void A_provider_for_a_server_not_on_the_list_is_refused_before_any_request_carries_the_key()
    {
        using var provider = new ChatClientProvider(Microsoft.Extensions.Options.Options.Create(new OpenAIModelOptions { ApiKey = "sk-operator" }));

        var refused = Assert.Throws<InvalidOperationException>(() => provider.GetClient(new Platform.Grains.Interfaces.Workspaces.ModelSettings("openai", "m", "http://attacker.test/v1", 1, 1, 10)));

        Assert.Contains("AllowedBaseUrls", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-operator", refused.Message, StringComparison.Ordinal);
    }
}
