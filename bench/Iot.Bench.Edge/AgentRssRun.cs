using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Iot.TestSupport;

namespace Iot.Bench.Edge;

/// <summary>Resident memory of the agent when the recorder had sealed the chunk ending at that minute of audio.</summary>
/// <remarks>RSS = anonymous (GC heap, native heaps) + file-backed (mapped runtime, assemblies, native libraries) + shared memory.</remarks>
internal sealed record RssSample(double AudioMinutes, double RssMb, double PeakMb, double AnonMb, double FileMb, double ShmemMb, TimeSpan Wall);

/// <summary>How the agent is launched: extra environment variables and configuration arguments, for what-if runs.</summary>
internal sealed record AgentLaunch(string AgentPath, string WavPath, string ModelPath, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> ExtraArgs);

/// <summary>
/// The real <c>iot-agent</c> as a child process on CPU 0, product defaults (60 s chunks, speech-only upload, Silero,
/// health endpoint on), a looping speech WAV read as fast as it goes and no broker listening, so the outbox keeps
/// every chunk. VmRSS is read from /proc each time the recorder logs a sealed chunk, i.e. per minute of audio.
/// </summary>
internal sealed class AgentRssRun
{
    private readonly List<RssSample> _samples = [];
    private readonly Queue<string> _errorTail = new();

    public IReadOnlyList<RssSample> Samples => _samples;

    /// <summary>Right after start-up, when the recorder announced its capture (model loaded, nothing encoded yet).</summary>
    public RssSample? AtCaptureStart { get; private set; }

    public static async Task<AgentRssRun> MeasureAsync(AgentLaunch launch, int minutes)
    {
        using var spool = new TempDirectory("iot-bench-rss");
        var start = new ProcessStartInfo("taskset")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in OneCore.TasksetArgs([launch.AgentPath, .. Settings(spool.Path, launch.WavPath, launch.ModelPath), .. launch.ExtraArgs]))
        {
            start.ArgumentList.Add(arg);
        }

        OneCore.AddGcSettings(start);
        start.Environment.Remove("IOT_AGENT_CONFIG");
        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        var run = new AgentRssRun();
        using var agent = Process.Start(start) ?? throw new InvalidOperationException("taskset did not start");
        var stderr = run.DrainErrorsAsync(agent);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await run.FollowAsync(agent, started, minutes);
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
            }

            await agent.WaitForExitAsync();
            await stderr;
        }

        if (run._samples.Count < minutes)
        {
            throw new InvalidOperationException($"the agent exited with code {agent.ExitCode} after {run._samples.Count} chunk(s):\n{string.Join('\n', run._errorTail)}");
        }

        return run;
    }

    private async Task FollowAsync(Process agent, long started, int minutes)
    {
        double audioMs = 0;
        while (_samples.Count < minutes && await agent.StandardOutput.ReadLineAsync() is { } line)
        {
            using var log = ParseOrNull(line);
            if (log is null)
            {
                continue;
            }

            var root = log.RootElement;
            if (root.TryGetProperty("Sequence", out _) && root.TryGetProperty("DurationMs", out var duration))
            {
                audioMs += duration.GetInt32();
                _samples.Add(Sample(agent.Id, audioMs / 60_000, started));
            }
            else if (AtCaptureStart is null && root.TryGetProperty("ChunkSeconds", out _))
            {
                AtCaptureStart = Sample(agent.Id, 0, started);
            }
            else if (root.TryGetProperty("@l", out var level) && level.GetString() is "Error" or "Fatal")
            {
                Remember(line);
            }
        }
    }

    private async Task DrainErrorsAsync(Process agent)
    {
        while (await agent.StandardError.ReadLineAsync() is { } line)
        {
            Remember(line);
        }
    }

    private void Remember(string line)
    {
        lock (_errorTail)
        {
            _errorTail.Enqueue(line);
            if (_errorTail.Count > 20)
            {
                _errorTail.Dequeue();
            }
        }
    }

    private static JsonDocument? ParseOrNull(string line)
    {
        try
        {
            return line.StartsWith('{') ? JsonDocument.Parse(line) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static RssSample Sample(int pid, double audioMinutes, long started)
    {
        var status = File.ReadLines($"/proc/{pid}/status")
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2 && pair[1].TrimEnd().EndsWith(" kB", StringComparison.Ordinal))
            .ToDictionary(pair => pair[0], pair => double.Parse(pair[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024, StringComparer.Ordinal);
        return new RssSample(audioMinutes, status["VmRSS"], status["VmHWM"], status["RssAnon"], status["RssFile"], status["RssShmem"], Stopwatch.GetElapsedTime(started));
    }

    private static string[] Settings(string spool, string wavPath, string modelPath) =>
    [
        "--Agent:TenantId=bench",
        "--Agent:DeviceId=rss",
        $"--Agent:SpoolDirectory={spool}",
        $"--Audio:WavPath={wavPath}",
        "--Audio:Loop=true",
        "--Audio:RealTime=false",
        // The product default is a shop-hours schedule; the bench must record whatever the time of day.
        "--Recording:Trigger=Always",
        "--Vad:Engine=silero",
        $"--Vad:ModelPath={modelPath}",
        // Nothing listens on these: no broker (the outbox keeps every chunk), a private health port.
        $"--Mqtt:Port={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
        $"--Health:Port={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
        // The per-chunk line is the bench's clock: it says how much audio has gone through.
        "--Serilog:MinimumLevel:Override:Iot.Edge.Agent.Recording.ChunkRecorder=Debug",
    ];
}
