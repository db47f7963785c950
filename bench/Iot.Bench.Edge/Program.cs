using Iot.Bench.Edge;

// Edge benchmarks, one subcommand each; figures go to stdout. New ones: a class with RunAsync, one line below.
var commands = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
{
    ["vad"] = VadBench.RunAsync,
    ["pipeline"] = PipelineBench.RunAsync,
    ["rss"] = RssBench.RunAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var run))
{
    await Console.Error.WriteLineAsync($"usage: Iot.Bench.Edge <{string.Join('|', commands.Keys)}> [options]");
    return 2;
}

return await run(args[1..]);
