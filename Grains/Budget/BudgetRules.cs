using Platform.Grains.Interfaces.Budget;

namespace Platform.Grains.Budget;

/// <summary>Limits and refusal texts of the budget. Everything is checked before anything changes.</summary>
public static class BudgetRules
{
    /// <summary>The largest monthly cap: 10 million dollars.</summary>
    public const long MaxCapMicros = 10_000_000_000_000;

    /// <summary>The largest single reservation or settlement: 1 million dollars.</summary>
    public const long MaxAmountMicros = 1_000_000_000_000;

    /// <summary>The warnings, in percent of the cap; 100 is the hard stop.</summary>
    public static readonly IReadOnlyList<int> WarningPercents = [50, 75, 90];

    /// <summary>The hard stop, in percent of the cap.</summary>
    public const int ExhaustedPercent = 100;

    /// <summary>A reservation neither settled nor released within this time is released, so a crashed caller cannot hold budget forever.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The refusal once spent + reserved has reached the cap.</summary>
    public const string OutOfBudget = "out of budget: raise the cap to continue";

    private const int MaxPurposeLength = 100;
    private const int MaxRunIdLength = 256;

    public static void ValidateCap(long capMicros)
    {
        if (capMicros is < 0 or > MaxCapMicros)
        {
            throw new ArgumentOutOfRangeException(nameof(capMicros), capMicros, $"The monthly cap must be between 0 and {MaxCapMicros} micro-dollars.");
        }
    }

    public static void Validate(ReservationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AmountMicros is < 1 or > MaxAmountMicros)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.AmountMicros, $"A reservation must be between 1 and {MaxAmountMicros} micro-dollars.");
        }

        if (string.IsNullOrWhiteSpace(request.Purpose) || request.Purpose.Length > MaxPurposeLength || request.Purpose.Any(char.IsControl))
        {
            throw new ArgumentException($"A reservation needs a purpose of at most {MaxPurposeLength} printable characters.", nameof(request));
        }

        if (request.RunId is { } runId && (runId.Length is 0 or > MaxRunIdLength || runId.Any(char.IsControl)))
        {
            throw new ArgumentException($"A run id has 1 to {MaxRunIdLength} printable characters.", nameof(request));
        }

        if (request.RunCapMicros is { } runCap)
        {
            if (request.RunId is null)
            {
                throw new ArgumentException("A run cap needs the run id it applies to.", nameof(request));
            }

            if (runCap is < 0 or > MaxCapMicros)
            {
                throw new ArgumentOutOfRangeException(nameof(request), runCap, $"A run cap must be between 0 and {MaxCapMicros} micro-dollars.");
            }
        }
    }

    public static void ValidateActual(long actualMicros)
    {
        // 0 is a real outcome (a cached or refused call); it settles without a ledger entry.
        if (actualMicros is < 0 or > MaxAmountMicros)
        {
            throw new ArgumentOutOfRangeException(nameof(actualMicros), actualMicros, $"An actual cost must be between 0 and {MaxAmountMicros} micro-dollars.");
        }
    }

    public static string RunCapReached(long runCapMicros) => $"run cap reached: this run may spend at most {runCapMicros} micro-dollars";

    public static string TooLarge(long amountMicros, long remainingMicros) =>
        $"out of budget: this call may cost up to {amountMicros} micro-dollars and {remainingMicros} remain this period; raise the cap to continue";
}
