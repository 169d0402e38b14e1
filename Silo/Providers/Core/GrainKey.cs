namespace Platform.Silo;

/// <summary>Validates grain keys before any activation or storage row can be created from them.</summary>
public static class GrainKey
{
    /// <summary>The longest key accepted; longer keys are refused rather than truncated.</summary>
    public const int MaxLength = 256;

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="key"/> is not a usable key.</summary>
    public static void Validate(string? key, string paramName = "key")
    {
        if (key is null)
        {
            throw new ArgumentNullException(paramName, "A grain key is required.");
        }

        if (key.Length == 0)
        {
            throw new ArgumentException("A grain key must not be empty.", paramName);
        }

        if (key.Length > MaxLength)
        {
            throw new ArgumentException($"A grain key must be at most {MaxLength} characters; this one has {key.Length}.", paramName);
        }

        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsControl(key[i]))
            {
                throw new ArgumentException($"A grain key must not contain control characters; found U+{(int)key[i]:X4} at position {i}.", paramName);
            }
        }
    }
}
