using Iot.TestSupport;

namespace Iot.Bench.Edge;

/// <summary>Agent resident memory over an hour of audio: under the target, and flat once warmed up.</summary>
internal static class RssBench
{
    private const double TargetMb = 80;

    /// <summary>
    /// "No growth": the fitted trend over the second half of the run must stay below this many MB per hour of audio.
    /// The first half is warm-up: the GC commits its working regions and LiteDB's cache fills once (a step of about
    /// 5 MB between minutes 20 and 30 on the reference run), after which a 4-hour run stays within 0.4 MB.
    /// </summary>
    private const double FlatMbPerHour = 2;

    private const int CheckpointMinutes = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = (int)BenchArgs.Option(args, "--minutes", 60);
        var runs = (int)BenchArgs.Option(args, "--runs", 3);
        // The project reference puts the agent (apphost, runtimeconfig: workstation non-concurrent GC) next to the bench.
        // What a Linux device runs, the NativeAOT publish, unless --agent names another build: "jit" for the JIT build
        // the project reference puts next to the bench (apphost, workstation non-concurrent GC), or a path.
        var agent = BenchArgs.Text(args, "--agent") switch
        {
            null => await PublishedAgent.NativeExecutableAsync(),
            "jit" => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "iot-agent.exe" : "iot-agent"),
            var path => Path.GetFullPath(path),
        };
        var launch = new AgentLaunch(
            agent,
            await SpeechAudio.WavAsync(600),
            VadModelFile.Locate(),
            Pairs(args, "--env"),
            Array.IndexOf(args, "--") is var split and >= 0 ? args[(split + 1)..] : []);
        Console.WriteLine($"rss bench: {launch.AgentPath} as a child process under 'taskset -c 0', DOTNET_gcServer=0; {minutes} min of audio per run, {runs} runs");
        if (launch.Environment.Count + launch.ExtraArgs.Count > 0)
        {
            Console.WriteLine($"what-if: {string.Join(' ', launch.Environment.Select(e => $"{e.Key}={e.Value}").Concat(launch.ExtraArgs))}");
        }

        Console.WriteLine($"audio: {launch.WavPath} looped, read as fast as the agent goes; product defaults (60 s chunks, Upload=SpeechOnly, Silero, health endpoint on) except Recording:Trigger=Always");
        Console.WriteLine("no broker listens on Mqtt:Port, so every chunk stays in the outbox (LiteDB + files); RSS = VmRSS from /proc after each sealed chunk");
        Console.WriteLine($"load average (1/5/15 min) now {OneCore.LoadAverage()}");
        Console.WriteLine();

        var checkpoints = Enumerable.Range(1, minutes / CheckpointMinutes).Select(i => i * CheckpointMinutes).ToArray();
        Console.WriteLine($"{"run",-4} {"start",6} {string.Join(' ', checkpoints.Select(c => $"{c + " min",7}"))} {"peak",6} {"MB/h",6} {"wall",6} {"x RT",6}");
        var results = new List<AgentRssRun>();
        for (var run = 1; run <= runs; run++)
        {
            var result = await AgentRssRun.MeasureAsync(launch, minutes);
            results.Add(result);
            var last = result.Samples[^1];
            Console.WriteLine($"{run,-4} {result.AtCaptureStart?.RssMb,6:0.0} {string.Join(' ', checkpoints.Select(c => $"{At(result, c).RssMb,7:0.0}"))} {last.PeakMb,6:0.0} {Trend(result, minutes / 2.0),6:0.00} {last.Wall.TotalSeconds,5:0}s {last.AudioMinutes * 60 / last.Wall.TotalSeconds,5:0}x   load {OneCore.LoadAverage()}");
        }

        Console.WriteLine();
        var peak = Figures.Median(results.Select(r => r.Samples[^1].PeakMb));
        var trend = Figures.Median(results.Select(r => Trend(r, minutes / 2.0)));
        var earlyTrend = Figures.Median(results.Select(r => Trend(r, CheckpointMinutes)));
        Console.WriteLine($"median RSS (MB) at {string.Join(", ", checkpoints.Select(c => $"{c} min {Figures.Median(results.Select(r => At(r, c).RssMb)):0.0}"))}");
        Console.WriteLine("median breakdown (MB): anonymous = GC + native heaps; file = runtime, assemblies, native libraries; shared = W^X double-mapped JIT code");
        foreach (var (name, part) in new (string, Func<RssSample, double>)[] { ("anonymous", r => r.AnonMb), ("file", r => r.FileMb), ("shared", r => r.ShmemMb) })
        {
            Console.WriteLine($"  {name,-10} {Figures.Median(results.Select(r => part(r.AtCaptureStart ?? r.Samples[0]))),6:0.0} {string.Join(' ', checkpoints.Select(c => $"{Figures.Median(results.Select(r => part(At(r, c)))),7:0.0}"))}");
        }

        Console.WriteLine($"median peak (VmHWM) {peak:0.0} MB; median trend over the second half (minute {minutes / 2} on) {trend:+0.00;-0.00} MB per hour of audio, from minute {CheckpointMinutes} on {earlyTrend:+0.00;-0.00}");
        Console.WriteLine($"target peak < {TargetMb:0} MB: {(peak < TargetMb ? "met" : "MISSED")}; no growth (|trend| < {FlatMbPerHour:0} MB/h): {(Math.Abs(trend) < FlatMbPerHour ? "met" : "MISSED")}");
        Console.WriteLine($"load average at the end: {OneCore.LoadAverage()}");
        return peak < TargetMb && Math.Abs(trend) < FlatMbPerHour ? 0 : 1;
    }

    /// <summary>Repeated <c>--env NAME=VALUE</c> options.</summary>
    private static Dictionary<string, string> Pairs(string[] args, string option)
    {
        var end = Array.IndexOf(args, "--") is var split and >= 0 ? split : args.Length;
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < end; i++)
        {
            if (args[i] == option && args[i + 1].Split('=', 2) is [var name, var value])
            {
                pairs[name] = value;
            }
        }

        return pairs;
    }

    private static RssSample At(AgentRssRun run, int minute) =>
        run.Samples.First(s => s.AudioMinutes >= minute - 1e-9);

    /// <summary>Least-squares RSS slope from <paramref name="fromMinute"/> on, in MB per hour of audio.</summary>
    private static double Trend(AgentRssRun run, double fromMinute)
    {
        var settled = run.Samples.Where(s => s.AudioMinutes >= fromMinute - 1e-9).Select(s => (s.AudioMinutes / 60, s.RssMb)).ToList();
        return settled.Count >= 2 ? Figures.Slope(settled) : double.NaN;
    }
}
