using System.Globalization;

namespace Platform.Grains.Runs;

/// <summary>Formats integer micro-dollars for people.</summary>
public static class Money
{
    /// <summary><c>$0.001234</c>: dollars with every micro-dollar shown, trailing zeros trimmed to cents.</summary>
    public static string Format(long micros)
    {
        var dollars = micros / 1_000_000m;
        var text = dollars.ToString("0.00####", CultureInfo.InvariantCulture);
        return micros < 0 ? $"-${text.TrimStart('-')}" : $"${text}";
    }
}
