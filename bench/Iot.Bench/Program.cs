using Iot.Bench;

// Ingest benchmarks. No mode: raw Mosquitto QoS 1 vs the bridge's publish → durable → ack, with the durable bound.
// "scale": one vs two bridge processes on one Mosquitto. "storm": a fleet reconnecting at once with backlogs.
var databaseUrl = Environment.GetEnvironmentVariable("IOT_DATABASE_URL") ?? Environment.GetEnvironmentVariable("DATABASE_URL")
    ?? throw new InvalidOperationException("set IOT_DATABASE_URL or DATABASE_URL (bench/run.sh does)");
var options = new BenchArgs(args);
return args.FirstOrDefault() switch
{
    "scale" => await Iot.Bench.Scale.ScaleBench.RunAsync(databaseUrl, args, options),
    "storm" => await Iot.Bench.Storm.StormBench.RunAsync(databaseUrl, options),
    _ => await Iot.Bench.Ingest.IngestBench.RunAsync(databaseUrl, options),
};
