using Iot.Edge.Agent.Encoding;
using System.Globalization;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Iot.Protocol.Audio;

namespace Iot.Bench.Edge;

/// <summary>One pass of the whole edge pipeline over a WAV file, timed twice: from start, and from the first block read.</summary>
internal sealed record PipelineResult(Measurement FromStart, Measurement FromFirstRead, long Chunks, long SpoolBytes);

/// <summary>What varies between pipeline rows: the encoder (native libopus or Concentus) and its complexity.</summary>
internal sealed record PipelineConfig(string ModelPath, int Complexity, bool AllowNativeOpus, OpusSignalHint Signal);

/// <summary>
/// The real recorder (WavFileSource → SpeechTracker/Silero → ChunkFile/OggOpusWriter → ChunkOutbox.Commit with
/// fsync) in 60 s chunks: once inside the full AgentHost (uplink retrying a dead broker port, telemetry, janitor,
/// Serilog), once as the recorder alone on the same service registrations, so host overhead shows.
/// </summary>
internal static class PipelineRuns
{
    public static async Task<PipelineResult> HostAsync(SpeechPcm pcm, PipelineConfig config)
    {
        using var spool = new TempDirectory("iot-bench-spool");
        var builder = AgentHost.CreateBuilder([], Settings(pcm, spool.Path, config));
        var clock = FirstReadClock.Decorate(builder.Services);
        using var host = builder.Build();
        var status = host.Services.GetRequiredService<RecorderStatus>();
        var start = Measurement.Now();
        await host.StartAsync();
        await status.SourceFinished.Task;
        var result = Result(pcm, start, clock, status, host.Services.GetRequiredService<ChunkOutbox>());
        await host.StopAsync();
        return result;
    }

    public static async Task<PipelineResult> RecorderAloneAsync(SpeechPcm pcm, PipelineConfig config)
    {
        using var spool = new TempDirectory("iot-bench-spool");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(pcm, spool.Path, config)).Build();
        var services = new ServiceCollection();
        // No logging provider: the recorder's log calls cost only their level check.
        services.AddLogging();
        AgentHost.AddAgent(services, configuration);
        var clock = FirstReadClock.Decorate(services);
        await using var provider = services.BuildServiceProvider();
        var status = provider.GetRequiredService<RecorderStatus>();
        var start = Measurement.Now();
        using var recorder = ActivatorUtilities.CreateInstance<ChunkRecorder>(provider);
        await recorder.StartAsync(CancellationToken.None);
        await status.SourceFinished.Task;
        var result = Result(pcm, start, clock, status, provider.GetRequiredService<ChunkOutbox>());
        await recorder.StopAsync(CancellationToken.None);
        return result;
    }

    private static PipelineResult Result(SpeechPcm pcm, Measurement.Stamp start, FirstReadClock clock, RecorderStatus status, ChunkOutbox outbox)
    {
        var fromStart = Measurement.Since(start, pcm.Seconds);
        var fromFirstRead = Measurement.Since(clock.FirstRead, pcm.Seconds);
        var expected = (long)Math.Ceiling(pcm.Seconds / 60);
        if (status.ChunksSealed != expected || status.ChunksLost != 0)
        {
            throw new InvalidOperationException($"the recorder sealed {status.ChunksSealed} chunks and lost {status.ChunksLost}; expected {expected} and 0");
        }

        var bytes = outbox.PeekReady(int.MaxValue - 1, []).Sum(e => e.Bytes);
        return new PipelineResult(fromStart, fromFirstRead, status.ChunksSealed, bytes);
    }

    private static Dictionary<string, string?> Settings(SpeechPcm pcm, string spool, PipelineConfig config) => new()
    {
        ["Agent:TenantId"] = "bench",
        ["Agent:DeviceId"] = "pipeline",
        ["Agent:SpoolDirectory"] = spool,
        ["Agent:ChunkSeconds"] = "60",
        ["Audio:Source"] = "wav",
        ["Audio:WavPath"] = pcm.WavPath,
        ["Audio:Loop"] = "false",
        ["Audio:RealTime"] = "false",
        ["Audio:Complexity"] = config.Complexity.ToString(CultureInfo.InvariantCulture),
        ["Audio:AllowNativeOpus"] = config.AllowNativeOpus ? "true" : "false",
        ["Audio:OpusSignal"] = config.Signal.ToString(),
        ["Vad:Engine"] = "silero",
        ["Vad:ModelPath"] = config.ModelPath,
        // Every chunk is encoded and kept, whatever the detector says: the full cost of each stage.
        ["Recording:Trigger"] = "Always",
        ["Recording:Upload"] = "Continuous",
        ["Transcription:Enabled"] = "false",
        ["Health:Enabled"] = "false",
        // Nothing listens here: the uplink retries with backoff, the outbox keeps everything.
        ["Mqtt:Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["Serilog:MinimumLevel:Default"] = "Error",
    };
}
