using System.Text;

using Platform.Grains.Budget;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Tests.Budget;

public sealed class CostEstimatorTests
{
    private static readonly ModelSettings Model = new("openai", "m", null, InputPricePer1kTokens: 1_500, OutputPricePer1kTokens: 2_000, MaxOutputTokens: 512);

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 0, 2)]
    [InlineData(1000, 0, 1_500)]
    [InlineData(1000, 1000, 3_500)]
    [InlineData(333, 1, 502)]
    public void Cost_is_rounded_up_to_a_whole_micro_dollar(long prompt, long output, long expected) =>
        Assert.Equal(expected, CostEstimator.CostMicros(prompt, output, Model));

    [Fact]
    public void Cost_of_huge_counts_does_not_overflow()
    {
        var pricey = Model with { InputPricePer1kTokens = long.MaxValue / 2 };
        Assert.Equal(long.MaxValue, CostEstimator.CostMicros(long.MaxValue / 2, 0, pricey));
    }

    [Fact]
    public void Negative_counts_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CostEstimator.CostMicros(-1, 0, Model));

    [Fact]
    public void The_prompt_estimate_exceeds_four_bytes_a_token_and_stays_under_the_byte_bound()
    {
        var english = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 40));
        var cjk = string.Concat(Enumerable.Repeat("预算上限已用尽", 40));
        foreach (var text in new[] { english, cjk })
        {
            var bytes = Encoding.UTF8.GetByteCount(text);
            var estimate = CostEstimator.EstimatePromptTokens([text]) - CostEstimator.PerMessageOverheadTokens - CostEstimator.PerRequestOverheadTokens;
            Assert.InRange(estimate, (bytes + 3) / 4, bytes);
        }
    }

    [Fact]
    public void Each_message_adds_its_overhead_and_an_empty_request_costs_the_request_overhead()
    {
        Assert.Equal(CostEstimator.PerRequestOverheadTokens, CostEstimator.EstimatePromptTokens([]));
        Assert.Equal(CostEstimator.PerRequestOverheadTokens + (2 * CostEstimator.PerMessageOverheadTokens) + 1 + 2, CostEstimator.EstimatePromptTokens(["abc", "défg"[1..2]]));
    }

    [Fact]
    public void A_call_estimate_reserves_the_whole_output_allowance() =>
        Assert.Equal(
            CostEstimator.CostMicros(CostEstimator.EstimatePromptTokens(["hello"]), 512, Model),
            CostEstimator.EstimateCallMicros(["hello"], Model));
}
