using Platform.Grains.Egress;

namespace Platform.Grains.Tests.Egress;

public sealed class PiiScannerTests
{
    [Theory]
    [InlineData("write to bob@example.com today", PiiKind.Email, "bob@example.com")]
    [InlineData("cc: first.last+tag@sub.example.co.uk.", PiiKind.Email, "first.last+tag@sub.example.co.uk")]
    [InlineData("https://x.example.test/unsubscribe?email=alice@example.org&list=7", PiiKind.Email, "alice@example.org")]
    [InlineData("<mailto:carol@example.net>", PiiKind.Email, "carol@example.net")]
    [InlineData("call +1 (555) 123-4567 now", PiiKind.Phone, "+1 (555) 123-4567")]
    [InlineData("office +44 20 7946 0958", PiiKind.Phone, "+44 20 7946 0958")]
    [InlineData("mobile +4915112345678", PiiKind.Phone, "+4915112345678")]
    [InlineData("Tel. +49 (0)30 1234567", PiiKind.Phone, "+49 (0)30 1234567")]
    [InlineData("+33.6.12.34.56.78", PiiKind.Phone, "+33.6.12.34.56.78")]
    [InlineData("ring (555) 123-4567", PiiKind.Phone, "(555) 123-4567")]
    [InlineData("ring 555-123-4567.", PiiKind.Phone, "555-123-4567")]
    [InlineData("ring 555.123.4567", PiiKind.Phone, "555.123.4567")]
    [InlineData("toll free 1-800-555-1234", PiiKind.Phone, "1-800-555-1234")]
    [InlineData("London 020 7946 0958", PiiKind.Phone, "020 7946 0958")]
    [InlineData("portable 06 12 34 56 78", PiiKind.Phone, "06 12 34 56 78")]
    [InlineData("Berlin 030 1234567", PiiKind.Phone, "030 1234567")]
    [InlineData("Handy 0171-1234567", PiiKind.Phone, "0171-1234567")]
    [InlineData("?phone=555-123-4567", PiiKind.Phone, "555-123-4567")]
    [InlineData("card 4111 1111 1111 1111 thanks", PiiKind.CardNumber, "4111 1111 1111 1111")]
    [InlineData("card 4111-1111-1111-1111", PiiKind.CardNumber, "4111-1111-1111-1111")]
    [InlineData("card 4111111111111111", PiiKind.CardNumber, "4111111111111111")]
    [InlineData("amex 378282246310005", PiiKind.CardNumber, "378282246310005")]
    [InlineData("amex 3782 822463 10005", PiiKind.CardNumber, "3782 822463 10005")]
    [InlineData("discover 6011111111111117", PiiKind.CardNumber, "6011111111111117")]
    [InlineData("visa13 4222222222222", PiiKind.CardNumber, "4222222222222")]
    [InlineData("4111 1111 1111 1111 123 (cvv)", PiiKind.CardNumber, "4111 1111 1111 1111")]
    public void Personal_data_is_found_with_its_kind_and_exact_extent(string text, PiiKind kind, string expected)
    {
        var match = Assert.Single(PiiScanner.Find(text));

        Assert.Equal(kind, match.Kind);
        Assert.Equal(expected, text.Substring(match.Index, match.Length));
    }

    [Theory]
    [InlineData("card 4111 1111 1111 1112")]
    [InlineData("card 4111111111111112")]
    [InlineData("amex 378282246310006")]
    [InlineData("released 2024-05-17")]
    [InlineData("at 2024-05-17 12:30:45 UTC")]
    [InlineData("am 17.05.2024 10:30")]
    [InlineData("at 12:30:45")]
    [InlineData("dates 2024-05-17 2024-06-01")]
    [InlineData("version 10.0.19041.1234")]
    [InlineData("v1.22.333.4444")]
    [InlineData("id 123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("id 550e8400-e29b-41d4-a716-446655440000")]
    [InlineData("https://api.example.test/orders/12345678901/items")]
    [InlineData("https://api.example.test/orders/555-123-4567")]
    [InlineData("since 1715950000")]
    [InlineData("host 192.168.100.200")]
    [InlineData("scores 10 20 30 40 50 60")]
    [InlineData("pi is 3.14159265358979")]
    [InlineData("UTC+05:30")]
    [InlineData("user@localhost and a@b")]
    [InlineData("an @ sign alone")]
    public void Ordinary_text_that_only_resembles_personal_data_is_not_found(string text) =>
        Assert.Empty(PiiScanner.Find(text));

    [Fact]
    public void Redaction_replaces_each_match_with_a_placeholder_for_its_kind()
    {
        const string Text = "Mail bob@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111.";

        var redacted = PiiScanner.Redact(Text, new HashSet<PiiKind> { PiiKind.Email, PiiKind.Phone, PiiKind.CardNumber });

        Assert.Equal("Mail [redacted email] or call [redacted phone], card [redacted card].", redacted);
    }

    [Fact]
    public void Redaction_leaves_kinds_that_were_not_asked_for()
    {
        const string Text = "Mail bob@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111.";

        var redacted = PiiScanner.Redact(Text, new HashSet<PiiKind> { PiiKind.CardNumber });

        Assert.Equal("Mail bob@example.com or call +44 20 7946 0958, card [redacted card].", redacted);
    }

    [Fact]
    public void Text_without_personal_data_is_returned_unchanged()
    {
        const string Text = "Deploy 10.0.1 finished at 2024-05-17 12:30.";

        Assert.Same(Text, PiiScanner.Redact(Text, new HashSet<PiiKind> { PiiKind.Email, PiiKind.Phone, PiiKind.CardNumber }));
    }

    [Fact]
    public void Several_matches_are_reported_in_text_order()
    {
        var matches = PiiScanner.Find("4111111111111111 then bob@example.com then 020 7946 0958");

        Assert.Equal([PiiKind.CardNumber, PiiKind.Email, PiiKind.Phone], matches.Select(static m => m.Kind));
    }
}
