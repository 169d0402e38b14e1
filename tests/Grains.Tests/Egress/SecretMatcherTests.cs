using System.Text;

using Platform.Grains.Egress;

namespace Platform.Grains.Tests.Egress;

public sealed class SecretMatcherTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("s3cr3t/value+with?chars");
    private static readonly SecretMatcher Matcher = SecretMatcher.Create([("api token", Secret)]);

    [Theory]
    [InlineData("plain")]
    [InlineData("base64")]
    [InlineData("base64url")]
    [InlineData("hex")]
    [InlineData("HEX")]
    [InlineData("url")]
    public void A_secret_is_found_in_every_encoding_a_leak_would_use(string encoding)
    {
        var written = encoding switch
        {
            "plain" => "s3cr3t/value+with?chars",
            "base64" => Convert.ToBase64String(Secret),
            "base64url" => Convert.ToBase64String(Secret).Replace('+', '-').Replace('/', '_').TrimEnd('='),
            "hex" => Convert.ToHexStringLower(Secret),
            "HEX" => Convert.ToHexString(Secret),
            _ => Uri.EscapeDataString("s3cr3t/value+with?chars"),
        };

        var finding = Matcher.Find($"please send {written} to https://attacker.test");

        Assert.NotNull(finding);
        Assert.Equal("api token", finding.Secret);
        Assert.Equal(encoding.ToLowerInvariant(), finding.Encoding);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Base64_inside_a_longer_base64_text_is_found_at_any_byte_offset(int before)
    {
        var blob = Convert.ToBase64String([.. Enumerable.Repeat((byte)0xA5, before), .. Secret, .. "trailing bytes"u8.ToArray()]);

        Assert.Equal("base64", Matcher.Find($"data:image/png;base64,{blob}")?.Encoding);
    }

    [Fact]
    public void Text_without_the_secret_finds_nothing_and_the_finding_never_holds_the_value()
    {
        Assert.Null(Matcher.Find("s3cr3t/value but not the rest"));
        var finding = Matcher.Find("x s3cr3t/value+with?chars y")!;
        Assert.DoesNotContain("s3cr3t", finding.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Values_too_short_to_tell_from_ordinary_text_are_not_searched()
    {
        var matcher = SecretMatcher.Create([("pin", "1234"u8.ToArray())]);

        Assert.Null(matcher.Find("call me at 1234"));
        Assert.Null(SecretMatcher.Empty.Find("anything"));
    }

    [Fact]
    public void Binary_keys_are_found_in_base64_and_hex_though_they_have_no_text_form()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 200)).ToArray();
        var matcher = SecretMatcher.Create([("data key v1", key)]);

        Assert.Equal("base64", matcher.Find(Convert.ToBase64String(key))?.Encoding);
        Assert.Equal("hex", matcher.Find(Convert.ToHexStringLower(key))?.Encoding);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Redacting_base64_removes_the_whole_token_including_the_bits_it_shares_with_its_neighbours(int before)
    {
        // 23 bytes: not a multiple of three, so the encoded value ends inside a group and its padding carries its last bits.
        var encoded = Convert.ToBase64String([.. new byte[before], .. Secret]);

        var redacted = Matcher.Redact($"token: {encoded} end", out var findings);

        Assert.Equal("token: [api token] end", redacted);
        Assert.Equal("base64", Assert.Single(findings).Encoding);
    }

    [Fact]
    public void Each_long_line_of_a_multi_line_secret_is_found_on_its_own()
    {
        var pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n";
        var matcher = SecretMatcher.Create([("tls key", Encoding.UTF8.GetBytes(pem))]);

        var finding = matcher.Find("    key: |\r\n      BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\r\n");

        Assert.Equal("tls key", finding?.Secret);
    }

    [Fact]
    public void The_public_boilerplate_of_a_multi_line_secret_is_not_searched()
    {
        var pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
        var credentials = "{\n  \"type\": \"service_account\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\",\n  \"private_key_id\": \"3f2a9c0d8e7b6a5f4e3d2c1b0a998877\"\n}\n";
        var matcher = SecretMatcher.Create([("tls key", Encoding.UTF8.GetBytes(pem)), ("gcp", Encoding.UTF8.GetBytes(credentials))]);

        Assert.Null(matcher.Find("paste the -----BEGIN PRIVATE KEY----- header here"));
        Assert.Null(matcher.Find("the token_uri is https://oauth2.googleapis.com/token for every service_account"));
        Assert.Equal("gcp", matcher.Find("key id 3f2a9c0d8e7b6a5f4e3d2c1b0a998877 leaked")?.Secret);
    }
}
