namespace Platform.Silo.Tests;

public sealed class GrainKeyTests
{
    [Fact]
    public void Empty_key_is_refused() =>
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => GrainKey.Validate("")).Message, StringComparison.Ordinal);

    [Fact]
    public void Over_long_key_is_refused() =>
        Assert.Contains("at most 256", Assert.Throws<ArgumentException>(() => GrainKey.Validate(new string('k', 257))).Message, StringComparison.Ordinal);

    [Fact]
    public void Control_character_key_is_refused() =>
        Assert.Contains("U+000A", Assert.Throws<ArgumentException>(() => GrainKey.Validate("ws\n1")).Message, StringComparison.Ordinal);

    [Fact]
    public void Key_of_exactly_256_printable_characters_is_accepted() => GrainKey.Validate(new string('k', 256));
}
