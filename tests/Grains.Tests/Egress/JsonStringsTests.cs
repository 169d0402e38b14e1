using System.Text.Json;
using Platform.Grains.Egress;

namespace Platform.Grains.Tests.Egress;

public sealed class JsonStringsTests
{
    [Fact]
    public void Text_holds_decoded_values_and_property_names_one_per_line()
    {
        var text = JsonStrings.Text("""{"n\u0061me":"a\u002Bb","list":["x\/y",3,true,null]}""");

        Assert.Equal(["name", "a+b", "list", "x/y", "3", "true", "null", ""], text.Split('\n'));
    }

    [Fact]
    public void Text_decodes_json_inside_a_string_as_the_receiver_would()
    {
        var json = JsonSerializer.Serialize(new { body = JsonSerializer.Serialize(new { k = "in+side" }) });

        var lines = JsonStrings.Text(json).Split('\n');

        Assert.Contains("k", lines);
        Assert.Contains("in+side", lines);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Text_decodes_json_in_strings_at_most_three_levels_deep(int levels, bool decoded)
    {
        var json = JsonSerializer.Serialize(new { k = "leaf-value" });
        for (var i = 0; i < levels; i++)
        {
            json = JsonSerializer.Serialize(new { k = json });
        }

        var lines = JsonStrings.Text(json).Split('\n');

        Assert.Equal(decoded, lines.Contains("leaf-value"));
    }

    [Fact]
    public void A_string_that_only_looks_like_json_is_kept_as_text()
    {
        var lines = JsonStrings.Text("""{"a":"{not json","b":"[1,"}""").Split('\n');

        Assert.Contains("{not json", lines);
        Assert.Contains("[1,", lines);
    }

    [Fact]
    public void Values_lists_string_values_but_not_property_names_or_other_values()
    {
        Assert.Equal(["v1", "v2", "v3"], JsonStrings.Values("""{"a":"v1","b":[1,"v2",{"c":"v3"}],"d":false}"""));
    }

    [Fact]
    public void Map_rewrites_only_string_values_and_keeps_the_document_valid()
    {
        var mapped = JsonStrings.Map("""{"a":"x","b":[1,"y",{"x":"x"}],"c":null,"d":1.50}""", s => s.ToUpperInvariant() + "\"");

        Assert.Equal("""{"a":"X\u0022","b":[1,"Y\u0022",{"x":"X\u0022"}],"c":null,"d":1.50}""", mapped);
        Assert.Equal("X\"", JsonDocument.Parse(mapped).RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public void Malformed_json_is_refused_rather_than_scanned_partly()
    {
        Assert.ThrowsAny<JsonException>(() => JsonStrings.Text("{\"a\":"));
        Assert.ThrowsAny<JsonException>(() => JsonStrings.Map("[1,", s => s));
    }
}
