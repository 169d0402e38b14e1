using Platform.Grains.Approvals;

namespace Platform.Grains.Tests.Approvals;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Keys_are_sorted_ordinally_at_every_depth_and_whitespace_goes()
    {
        var canonical = CanonicalJson.Canonicalize("""{ "b": 1, "a": { "z": [ 3, {"y": true, "x": null} ], "B": "s" } }""");

        Assert.Equal("""{"a":{"B":"s","z":[3,{"x":null,"y":true}]},"b":1}""", canonical);
    }

    [Fact]
    public void Differently_escaped_equal_strings_canonicalize_alike()
    {
        Assert.Equal(CanonicalJson.Canonicalize("""{"to":"A\u0042"}"""), CanonicalJson.Canonicalize("""{"to":"AB"}"""));
        Assert.Equal(CanonicalJson.Canonicalize("""{"k":"é"}"""), CanonicalJson.Canonicalize("""{"k":"\u00e9"}"""));
    }

    [Fact]
    public void Canonical_form_is_a_fixed_point()
    {
        var once = CanonicalJson.Canonicalize("""[ {"b": "<x>", "a": -1.50e3} ]""");

        Assert.Equal(once, CanonicalJson.Canonicalize(once));
        Assert.True(CanonicalJson.IsCanonical(once));
        Assert.False(CanonicalJson.IsCanonical("""{"b":1,"a":2}"""));
    }

    [Theory]
    [InlineData("""{"to":"a","to":"b"}""")]
    [InlineData("""{"to":""")]
    [InlineData("""{"to":"a",}""")]
    [InlineData("""{/* c */ "to":"a"}""")]
    [InlineData("")]
    public void Duplicate_keys_and_invalid_json_are_refused(string json)
    {
        Assert.Throws<ArgumentException>(() => CanonicalJson.Canonicalize(json));
        Assert.False(CanonicalJson.IsCanonical(json));
    }
}
