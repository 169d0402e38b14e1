namespace Platform.Gateway.Hosting;

/// <summary>Which client-sent request ids are taken over: short tokens of safe characters, nothing a log could be forged with.</summary>
internal static class RequestId
{
    public const int MaxLength = 64;

    public static bool TryAccept(string? value, out string? accepted)
    {
        accepted = null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        accepted = value;
        return true;
    }
}
