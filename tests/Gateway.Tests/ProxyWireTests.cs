using System.Text;
using System.Text.Json;

using Platform.Gateway.Proxy;

namespace Platform.Gateway.Tests;

/// <summary>The proxy's reading and editing of OpenAI wire JSON, without a server.</summary>
public sealed class ProxyWireTests
{
    [Fact]
    public void A_request_without_an_output_limit_gets_the_models_and_keeps_every_other_field()
    {
        var body = Prepare("""  {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.2}""", 512);

        Assert.Equal(512, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble());
        Assert.False(body.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void A_streaming_request_asks_the_provider_for_usage_even_when_the_client_did_not()
    {
        var spliced = Prepare("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":5}""", 512);
        var rewritten = Prepare("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":false},"max_completion_tokens":null}""", 512);

        Assert.True(spliced.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.False(spliced.TryGetProperty("max_completion_tokens", out _));
        Assert.True(rewritten.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(512, rewritten.GetProperty("max_completion_tokens").GetInt32());
        Assert.Single(rewritten.EnumerateObject(), p => p.Name == "stream_options");
    }

    [Fact]
    public void A_null_limit_written_with_escapes_is_replaced_rather_than_left_beside_the_injected_one()
    {
        var body = Prepare("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_completion\u005ftokens":null}""", 512);

        Assert.Equal(512, Assert.Single(body.EnumerateObject(), p => p.Name == "max_completion_tokens").Value.GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"n":1,"n":16}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":1,"max\u005ftokens":100}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"\ud83d"}]}""")]
    public void Repeated_keys_and_undecodable_strings_are_refused_before_anything_is_reserved(string json)
    {
        var request = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(json), out var rejection);

        Assert.Null(request);
        Assert.Equal(400, rejection!.Status);
    }

    [Fact]
    public void A_request_that_sets_everything_itself_is_forwarded_byte_for_byte()
    {
        var json = """{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":9}""";
        var request = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(json), out _)!;

        Assert.Equal(json, Encoding.UTF8.GetString(UpstreamBody.Prepare(request, 512, "m").Span));
        Assert.True(request.ClientWantsUsage);
        Assert.Equal(9, request.MaxOutputTokens);
    }

    [Fact]
    public void A_catalogue_id_other_than_the_upstream_name_is_forwarded_as_the_upstream_name_and_nothing_else_changes()
    {
        var request = ChatRequestParser.Parse(Encoding.UTF8.GetBytes("""{"model":"cheap-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":9,"temperature":0.5}"""), out _)!;

        var sent = JsonDocument.Parse(UpstreamBody.Prepare(request, 512, "gpt-4o-mini")).RootElement;

        Assert.Equal("gpt-4o-mini", sent.GetProperty("model").GetString());
        Assert.Equal(9, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble());
        Assert.Equal("hi", sent.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.False(sent.TryGetProperty("max_completion_tokens", out _));
    }

    [Fact]
    public void The_text_checked_for_secrets_has_json_escapes_decoded_and_attachments_counted()
    {
        var request = ChatRequestParser.Parse(Encoding.UTF8.GetBytes("""
            {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a\u0062c"},{"type":"image_url","image_url":{"url":"https://x.test/i.png"}}]}]}
            """), out _)!;

        Assert.Contains("abc", request.Text, StringComparison.Ordinal);
        Assert.Contains("https://x.test/i.png", request.Text, StringComparison.Ordinal);
        Assert.Equal(1, request.Attachments);
    }

    [Theory]
    [InlineData("""{"id":"x","choices":[{"index":0}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0}}}""", true, 12, 3, false)]
    [InlineData("""{"id":"x","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}""", true, 1, 2, true)]
    [InlineData("""{"id":"x","choices":[{"delta":{"content":"a"}}],"usage":null}""", false, 0, 0, false)]
    [InlineData("""{"id":"x","choices":[{"index":0}]}""", false, 0, 0, false)]
    [InlineData("""{"usage":{"prompt_tokens":-1,"completion_tokens":2}}""", false, 0, 0, false)]
    [InlineData("""not json""", false, 0, 0, false)]
    public void Usage_is_read_from_completions_and_chunks_and_anything_else_reads_as_none(string json, bool found, long prompt, long completion, bool noChoices)
    {
        var read = ReportedUsage.TryRead(Encoding.UTF8.GetBytes(json), out var usage, out var empty);

        Assert.Equal(found, read);
        Assert.Equal(new ReportedUsage(prompt, completion), usage);
        Assert.Equal(noChoices, empty);
    }

    private static JsonElement Prepare(string json, int cap)
    {
        var request = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(json), out var rejection);
        Assert.Null(rejection);
        return JsonDocument.Parse(UpstreamBody.Prepare(request!, cap, "m")).RootElement.Clone();
    }
}
