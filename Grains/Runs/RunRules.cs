namespace Platform.Grains.Runs;

/// <summary>Limits on what a run accepts.</summary>
public static class RunRules
{
    /// <summary>The most model calls plus tool calls one run may make.</summary>
    public const int StepLimit = 20;

    /// <summary>The longest input accepted.</summary>
    public const int MaxInputLength = 20_000;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="input"/> is a usable run input.</summary>
    public static void ValidateInput(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new ArgumentException("input is required.", nameof(input));
        }

        if (input.Length > MaxInputLength)
        {
            throw new ArgumentException($"input must be at most {MaxInputLength} characters.", nameof(input));
        }
    }

    /// <summary>Throws unless a run cap is usable.</summary>
    public static void ValidateMaxCost(long? maxCostMicros)
    {
        if (maxCostMicros is < 1 or > 1_000_000_000_000)
        {
            throw new ArgumentException("maxCost must be between 1 and 1,000,000,000,000 micro-dollars.", nameof(maxCostMicros));
        }
    }
}
