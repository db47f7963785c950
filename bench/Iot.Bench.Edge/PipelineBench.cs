using Iot.Edge.Agent.Speech;
using Iot.Edge.Agent.Encoding;
using Iot.TestSupport;
using Iot.Protocol.Audio;

namespace Iot.Bench.Edge;

/// <summary>
/// Capture → VAD → Opus → outbox on one core, against each stage alone: the pipeline cannot beat
/// 1/(1/vad + 1/opus), so pipeline/bound is the share lost to glue (copies, chunk files, fsync, LiteDB, host).
/// </summary>
internal static class PipelineBench
{
    private const double TargetRealTime = 100;
    private const double TargetShareOfBound = 0.8;

    public static async Task<int> RunAsync(string[] args)
    {
        if (await OneCore.RelaunchPinnedAsync(["pipeline", .. args]) is { } exitCode)
        {
            return exitCode;
        }

        var seconds = BenchArgs.Option(args, "--seconds", 600);
        var runs = (int)BenchArgs.Option(args, "--runs", 3);
        var complexity = (int)BenchArgs.Option(args, "--complexity", 10);
        var signal = BenchArgs.Text(args, "--signal") is { } named ? Enum.Parse<OpusSignalHint>(named, ignoreCase: true) : OpusSignalHint.Music;
        var model = VadModelFile.Locate();
        var warmup = await SpeechPcm.LoadAsync(60);
        var pcm = await SpeechPcm.LoadAsync(seconds);
        Console.WriteLine($"pipeline bench: {pcm.Seconds:0} s of espeak-ng speech ({pcm.VoicedShare():P0} of 32 ms windows above -40 dBFS), 16 kHz mono, {pcm.WavPath}");
        Console.WriteLine($"one core: re-executed under 'taskset -c 0', DOTNET_gcServer=0 DOTNET_gcConcurrent=0 ({OneCore.GcMode()}); {Environment.ProcessorCount} CPU(s) visible");
        Console.WriteLine($"pipeline: real ChunkRecorder, WavFileSource realTime=false, Silero {model} ({new VadOptions().Runtime} runtime), Opus 24 kbit/s VOIP signal {signal} complexity {complexity}, 60 s chunks, fsync + LiteDB commit per chunk, spool in {Path.GetTempPath()}");
        Console.WriteLine($"each figure: median of {runs} runs after one warm-up over 60 s of audio; load average (1/5/15 min) now {OneCore.LoadAverage()}");
        Console.WriteLine();

        var rows = Rows(new PipelineConfig(model, complexity, AllowNativeOpus: true, signal));
        foreach (var row in rows)
        {
            await row.RunAsync(warmup, keep: false);
        }

        for (var run = 1; run <= runs; run++)
        {
            // Rounds interleave the rows so a burst of load elsewhere spreads over all of them, not one.
            foreach (var row in rows)
            {
                var m = await row.RunAsync(pcm, keep: true);
                Console.WriteLine($"run {run} {row.Name,-44} {m.RealTime,7:0.0}x wall {m.CpuRealTime,7:0.0}x cpu   load {OneCore.LoadAverage()}");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"threads at the end: {OneCore.DescribeThreads()}");
        Console.WriteLine();
        var byName = rows.ToDictionary(r => r.Key);
        var met = Report(byName, complexity, "native libopus", "opus native", "host native", "recorder native", enforce: true);
        Report(byName, complexity, "Concentus managed encoder (what Windows agents get)", "opus managed", "host managed", "recorder managed", enforce: false);
        Console.WriteLine($"load average at the end: {OneCore.LoadAverage()}");
        return met ? 0 : 1;
    }

    private static List<Row> Rows(PipelineConfig native)
    {
        var managed = native with { AllowNativeOpus = false };
        return
        [
            new("vad", "silero only (SpeechTracker.Feed)", pcm => Task.FromResult<Measurement[]>([ComponentRuns.Vad(pcm, native.ModelPath)])),
            new("opus native", "opus only, native (OggOpusWriter to memory)", pcm => Task.FromResult<Measurement[]>([Opus(pcm, native)])),
            new("opus managed", "opus only, managed Concentus", pcm => Task.FromResult<Measurement[]>([Opus(pcm, managed)])),
            new("host native", "pipeline native, AgentHost start->finished", async pcm => Both(await PipelineRuns.HostAsync(pcm, native))),
            new("recorder native", "pipeline native, recorder alone", async pcm => Both(await PipelineRuns.RecorderAloneAsync(pcm, native))),
            new("host managed", "pipeline managed, AgentHost start->finished", async pcm => Both(await PipelineRuns.HostAsync(pcm, managed))),
            new("recorder managed", "pipeline managed, recorder alone", async pcm => Both(await PipelineRuns.RecorderAloneAsync(pcm, managed))),
        ];
    }

    private static Measurement[] Both(PipelineResult result) => [result.FromStart, result.FromFirstRead];

    private static Measurement Opus(SpeechPcm pcm, PipelineConfig config)
    {
        var (time, native, _) = ComponentRuns.Opus(pcm, new OpusSettings { Complexity = config.Complexity, AllowNative = config.AllowNativeOpus, Signal = config.Signal });
        if (native != config.AllowNativeOpus)
        {
            throw new InvalidOperationException(config.AllowNativeOpus
                ? "libopus did not load (Concentus fell back to its managed encoder); install libopus0 / libopus-dev"
                : "the managed encoder was asked for but a native one ran");
        }

        return time;
    }

    private static bool Report(Dictionary<string, Row> rows, int complexity, string title, string opusKey, string hostKey, string recorderKey, bool enforce)
    {
        var vad = rows["vad"];
        var opus = rows[opusKey];
        var host = rows[hostKey];
        var recorder = rows[recorderKey];
        var bound = 1 / ((1 / vad.Median(m => m.RealTime)) + (1 / opus.Median(m => m.RealTime)));
        var cpuBound = 1 / ((1 / vad.Median(m => m.CpuRealTime)) + (1 / opus.Median(m => m.CpuRealTime)));
        Console.WriteLine($"== {title}, x real time on one core (median; wall / process CPU time)");
        Line("silero only", vad.Median(m => m.RealTime), vad.Median(m => m.CpuRealTime), null);
        Line($"opus only, complexity {complexity}", opus.Median(m => m.RealTime), opus.Median(m => m.CpuRealTime), null);
        Line("bound 1/(1/vad + 1/opus)", bound, cpuBound, null);
        Line("pipeline via AgentHost, start->SourceFinished", host.Median(m => m.RealTime), host.Median(m => m.CpuRealTime), (bound, cpuBound));
        Line("pipeline via AgentHost, first read->finished", host.Median(m => m.RealTime, 1), host.Median(m => m.CpuRealTime, 1), (bound, cpuBound));
        Line("recorder alone (no host), first read->finished", recorder.Median(m => m.RealTime, 1), recorder.Median(m => m.CpuRealTime, 1), (bound, cpuBound));
        var pipeline = host.Median(m => m.RealTime);
        var share = pipeline / bound;
        if (enforce)
        {
            if (complexity != 10)
            {
                Console.WriteLine("(the targets are stated for complexity 10)");
            }

            Console.WriteLine($"target pipeline >= {TargetRealTime:0}x real time: {Verdict(pipeline >= TargetRealTime)} ({pipeline:0.0}x)");
            Console.WriteLine($"target pipeline >= {TargetShareOfBound:P0} of bound: {Verdict(share >= TargetShareOfBound)} ({share:P1})");
        }

        Console.WriteLine();
        return pipeline >= TargetRealTime && share >= TargetShareOfBound;
    }

    private static void Line(string name, double wall, double cpu, (double Wall, double Cpu)? bound) =>
        Console.WriteLine($"  {name,-48} {wall,7:0.0}x wall {cpu,7:0.0}x cpu{(bound is { } b ? $"   {wall / b.Wall,6:P1} of bound ({cpu / b.Cpu:P1} in cpu time)" : "")}");

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    /// <summary>One line of the table. A run gives one measurement, or two for a pipeline: from start and from first read.</summary>
    private sealed class Row(string key, string name, Func<SpeechPcm, Task<Measurement[]>> run)
    {
        private readonly List<Measurement[]> _runs = [];

        public string Key => key;

        public string Name => name;

        public async Task<Measurement> RunAsync(SpeechPcm pcm, bool keep)
        {
            var measured = await run(pcm);
            if (keep)
            {
                _runs.Add(measured);
            }

            return measured[0];
        }

        public double Median(Func<Measurement, double> figure, int index = 0) => Figures.Median(_runs.Select(r => figure(r[index])));
    }
}
