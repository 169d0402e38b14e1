using Platform.Benchmarks;

// Prints one figure per line, "name value unit", for docs/benchmarks.md.
var suite = args.FirstOrDefault() ?? "runtime";
switch (suite)
{
    case "runtime":
        await RuntimeBenchmarks.RunAsync();
        await StorageBenchmarks.RunAsync();
        return 0;
    case "cross-node":
        await CrossNodeBenchmarks.RunAsync();
        return 0;
    default:
        await Console.Error.WriteLineAsync($"Unknown suite '{suite}'. Usage: dotnet run -c Release --project tests/Benchmarks -- runtime|cross-node");
        return 2;
}
