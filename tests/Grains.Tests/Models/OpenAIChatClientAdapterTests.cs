using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Models;
using Platform.Grains.Tools;
using Platform.Testing;

namespace Platform.Grains.Tests.Models;

/// <summary>The adapter through the official OpenAI client, against a fake server speaking the real wire format over real HTTP.</summary>
public sealed class OpenAIChatClientAdapterTests : IAsyncLifetime
{
    private const string ApiKey = "sk-test-0123456789";

    private static readonly ChatOptions AllTools = new()
    {
        Tools = [.. new ToolCatalog().Tools.Select(static t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.ParametersSchema))],
        MaxOutputTokens = 300,
    };

    private FakeOpenAiServer _server = null!;
    private ChatClientProvider _provider = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync();
        _provider = new ChatClientProvider(Options.Create(new OpenAIModelOptions { ApiKey = ApiKey, AllowedBaseUrls = ["http://127.0.0.1/"] }));
    }

    public async ValueTask DisposeAsync()
    {
        _provider.Dispose();
        await _server.DisposeAsync();
    }

    private IChatClient Client => _provider.GetClient(new ModelSettings("openai", "fake-model", _server.BaseUrl.ToString(), 1000, 2000, 300));

    [Fact]
    public async Task A_tool_call_comes_back_as_function_call_content_with_usage()
    {
        _server.EnqueueToolCalls([("call_abc", "email_send", """{"to":"alice@example.test","subject":"Hi","body":"Hello."}""")], promptTokens: 120, completionTokens: 30);

        var response = await Client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "You are the agent."), new ChatMessage(ChatRole.User, "email alice")],
            AllTools,
            TestContext.Current.CancellationToken);

        var call = Assert.Single(response.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_abc", call.CallId);
        Assert.Equal(ToolNames.EmailSend, call.Name);
        Assert.Equal(
            """{"body":"Hello.","subject":"Hi","to":"alice@example.test"}""",
            new ToolCatalog().Validate(call.Name, JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions)).CanonicalArguments);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(120, response.Usage!.InputTokenCount);
        Assert.Equal(30, response.Usage.OutputTokenCount);
        Assert.Equal(150, response.Usage.TotalTokenCount);
        Assert.Equal("chatcmpl-fake-1", response.ResponseId);

        var request = Assert.Single(_server.Requests);
        Assert.Equal($"Bearer {ApiKey}", request.Header("Authorization"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("fake-model", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(300, body.RootElement.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(["system", "user"], body.RootElement.GetProperty("messages").EnumerateArray().Select(static m => m.GetProperty("role").GetString()));
        var tools = body.RootElement.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(
            ["notes_read", "notes_write", "email_send", "webhook_post", "slack_post_message", "slack_read_history", "github_create_issue", "github_comment", "github_read_file", "http_get", "http_post"],
            tools.Select(static t => t.GetProperty("function").GetProperty("name").GetString()));
        Assert.All(tools, static t => Assert.Equal("function", t.GetProperty("type").GetString()));
        var emailSchema = tools[2].GetProperty("function").GetProperty("parameters");
        Assert.False(emailSchema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("email", emailSchema.GetProperty("properties").GetProperty("to").GetProperty("format").GetString());
    }

    [Fact]
    public async Task Tool_calls_and_results_in_the_history_reach_the_server_and_the_answer_comes_back_as_text()
    {
        _server.EnqueueText("The note is saved.", promptTokens: 200, completionTokens: 6);
        List<ChatMessage> conversation =
        [
            new(ChatRole.User, "note that the demo is on Friday"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", ToolNames.NotesWrite, new Dictionary<string, object?> { ["text"] = "The demo is on Friday." })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "Saved note note-1.")]),
        ];

        var response = await Client.GetResponseAsync(conversation, AllTools, TestContext.Current.CancellationToken);

        Assert.Equal("The note is saved.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(206, response.Usage!.TotalTokenCount);
        using var body = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool"], messages.Select(static m => m.GetProperty("role").GetString()));
        var sentCall = Assert.Single(messages[1].GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_1", sentCall.GetProperty("id").GetString());
        Assert.Equal("notes_write", sentCall.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"text":"The demo is on Friday."}""", sentCall.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("call_1", messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("Saved note note-1.", messages[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_tool_name_the_request_did_not_offer_is_kept_so_the_catalog_refuses_it()
    {
        _server.EnqueueToolCalls([("call_x", "shell_exec", """{"cmd":"rm -rf /"}""")], promptTokens: 10, completionTokens: 5);

        var response = await Client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], AllTools, TestContext.Current.CancellationToken);

        var call = Assert.Single(response.Messages.SelectMany(static m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("shell_exec", call.Name);
        Assert.False(new ToolCatalog().Validate(call.Name, """{"cmd":"rm -rf /"}""").IsValid);
    }

    [Fact]
    public void The_provider_gives_the_local_client_for_local_and_refuses_unknown_providers()
    {
        Assert.IsType<LocalRulesChatClient>(_provider.GetClient(ModelSettings.Default));
        Assert.Same(Client, Client);
        Assert.Throws<NotSupportedException>(() => _provider.GetClient(ModelSettings.Default with { Provider = "gpt-5-local" }));
    }

    [Fact]
    public void The_openai_provider_without_a_key_says_which_setting_is_missing()
    {
        using var provider = new ChatClientProvider(Options.Create(new OpenAIModelOptions()));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetClient(new ModelSettings("openai", "m", _server.BaseUrl.ToString(), 1, 1, 1)));
        Assert.Contains("Platform:Models:OpenAI:ApiKey", error.Message, StringComparison.Ordinal);
    }
}
