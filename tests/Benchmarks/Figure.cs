namespace Platform.Benchmarks;

/// <summary>One measured figure, printed as <c>name value unit</c>.</summary>
internal static class Figure
{
    public static void Print(string name, double value, string unit) =>
        Console.WriteLine(FormattableString.Invariant($"{name} {value:0.###} {unit}"));

    public static double Median(IReadOnlyList<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
