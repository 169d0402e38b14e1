using Microsoft.Extensions.AI;
using Platform.Grains.Budget;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Runs;

/// <summary>A run's model-call costs in the budget's terms: the worst case to reserve, and the actual cost to settle.</summary>
public static class RunCost
{
    /// <summary>What the first model call of a run on <paramref name="input"/> may cost: shown before the run executes.</summary>
    public static (long Micros, int PromptTokens) EstimateFirstCall(ModelSettings model, string input) =>
        Estimate(model, [new ConversationMessage { Role = "system", Text = new string('x', 400) }, new ConversationMessage { Role = "user", Text = input }]);

    /// <summary>What the next model call on <paramref name="conversation"/> may cost at worst (prompt estimate + all output tokens).</summary>
    public static (long Micros, int PromptTokens) Estimate(ModelSettings model, IEnumerable<ConversationMessage> conversation)
    {
        var texts = conversation.Select(m => (m.Text ?? "") + string.Concat((m.ToolCalls ?? []).Select(c => c.Name + c.ArgumentsJson))).ToList();
        var promptTokens = CostEstimator.EstimatePromptTokens(texts);
        return (CostEstimator.EstimateCallMicros(texts, model), (int)Math.Min(int.MaxValue, promptTokens));
    }

    /// <summary>The cost of the usage a provider reported, or <see langword="null"/> when it reported none (then the reservation is settled).</summary>
    public static long? Actual(ModelSettings model, UsageDetails? usage) =>
        usage is { InputTokenCount: { } input, OutputTokenCount: { } output }
            ? CostEstimator.CostMicros(input, output, model)
            : null;
}
