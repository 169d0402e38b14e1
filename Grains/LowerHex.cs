using System.Buffers;

namespace Platform.Grains;

/// <summary>The shape check every platform id (workspace, key, run, approval) makes on its random part.</summary>
internal static class LowerHex
{
    private static readonly SearchValues<char> s_digits = SearchValues.Create("0123456789abcdef");

    /// <summary>Whether <paramref name="text"/> holds only lower-case hex digits.</summary>
    public static bool Is(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(s_digits);
}
