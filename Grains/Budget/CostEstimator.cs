using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Budget;

/// <summary>
/// What a model call may cost, before it runs, in micro-dollars at a workspace's <see cref="ModelSettings"/> prices.
/// Every rounding goes up: the estimate is what gets reserved, and a reservation that is too small would let spend
/// pass the cap before Settle reports the truth.
/// </summary>
public static class CostEstimator
{
    /// <summary>Tokens a chat format adds per message (role, separators), on top of its text.</summary>
    public const int PerMessageOverheadTokens = 4;

    /// <summary>Tokens a chat format adds once per request (the primer of the reply).</summary>
    public const int PerRequestOverheadTokens = 3;

    /// <summary>The cost of <paramref name="promptTokens"/> in and <paramref name="outputTokens"/> out, rounded up to a whole micro-dollar.</summary>
    public static long CostMicros(long promptTokens, long outputTokens, ModelSettings model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(model.InputPricePer1kTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(model.OutputPricePer1kTokens);

        // One rounding over the sum, in 128 bits, so large prices times large counts neither overflow nor round twice.
        var thousandths = ((Int128)promptTokens * model.InputPricePer1kTokens) + ((Int128)outputTokens * model.OutputPricePer1kTokens);
        var micros = (thousandths + 999) / 1000;
        return micros > long.MaxValue ? long.MaxValue : (long)micros;
    }

    /// <summary>
    /// A deliberate over-estimate of the prompt tokens of <paramref name="messages"/>: ASCII text at 3 bytes a token
    /// (tokenizers of current models average about 4 for English and code) and 2 tokens for every other character
    /// (most CJK characters are 1 or 2), plus <see cref="PerMessageOverheadTokens"/> per message and
    /// <see cref="PerRequestOverheadTokens"/> per request. It never exceeds the UTF-8 byte count plus overheads, the
    /// hard bound of byte-level tokenizers. It is an estimate: Settle with the provider's reported usage is the truth.
    /// </summary>
    public static long EstimatePromptTokens(IEnumerable<string> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long tokens = PerRequestOverheadTokens;
        foreach (var message in messages)
        {
            long ascii = 0;
            long other = 0;
            foreach (var rune in (message ?? "").EnumerateRunes())
            {
                if (rune.IsAscii)
                {
                    ascii++;
                }
                else
                {
                    other++;
                }
            }

            tokens += ((ascii + 2) / 3) + (2 * other) + PerMessageOverheadTokens;
        }

        return tokens;
    }

    /// <summary>What to reserve for one call: the estimated prompt plus the model's whole <see cref="ModelSettings.MaxOutputTokens"/>.</summary>
    public static long EstimateCallMicros(IEnumerable<string> messages, ModelSettings model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return CostMicros(EstimatePromptTokens(messages), Math.Max(0, model.MaxOutputTokens), model);
    }
}
