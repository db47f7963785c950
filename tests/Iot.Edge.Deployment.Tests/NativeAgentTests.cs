using System.Net.Http.Json;
using System.Text.Json;
using Iot.TestSupport;
using Iot.TestSupport.Whisper;

namespace Iot.Edge.Deployment.Tests;

/// <summary>The linux-x64 NativeAOT build, as a device runs it: it records with Silero without loading ONNX Runtime.</summary>
public class NativeAgentTests
{
    [Fact]
    public async Task The_native_agent_records_with_managed_silero_and_never_maps_onnx_runtime()
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        using var agent = await StartAsync(dir,
        [
            "--Audio:RealTime=false", "--Vad:Engine=silero", $"--Health:Port={port}", "--Serilog:MinimumLevel:Default=Warning",
        ]);

        var health = await WaitForSealedChunkAsync(port, agent);

        Assert.Equal("silero", health.GetProperty("vadEngine").GetString());
        var maps = await File.ReadAllTextAsync($"/proc/{agent.Id}/maps");
        Assert.DoesNotContain("libonnxruntime", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libclrjit", maps, StringComparison.Ordinal);
    }

    /// <summary>
    /// Whisper.net picks its native runtime by asking Avx2.IsSupported, which NativeAOT answers at compile time: at the
    /// default x64 baseline the answer was "no" and the agent refused to start with transcription on.
    /// </summary>
    [Fact]
    public async Task The_native_agent_transcribes_on_the_device_with_whisper()
    {
        using var dir = new TempDirectory();
        using var agent = await StartAsync(dir,
        [
            "--Audio:RealTime=true", "--Transcription:Enabled=true", $"--Transcription:ModelPath={await WhisperFixtureModel.PathAsync()}",
            "--Serilog:MinimumLevel:Default=Warning", "--Serilog:MinimumLevel:Override:Iot.Edge.Agent.Transcription=Debug",
            $"--Health:Port={FreePort.Next()}",
        ]);

        await agent.WaitForLineAsync(line => line.Contains("\"Transcribed chunk", StringComparison.Ordinal), TimeSpan.FromMinutes(1), "a transcribed chunk");

        var line = agent.Tail(200).Split('\n').Last(l => l.Contains("\"Transcribed chunk", StringComparison.Ordinal));
        using var log = JsonDocument.Parse(line);
        Assert.True(log.RootElement.GetProperty("Segments").GetInt32() > 0, log.RootElement.ToString());
    }

    /// <summary>The published agent recording a looping speech WAV in 5 s chunks with no broker, plus <paramref name="settings"/>.</summary>
    private static async Task<ChildProcess> StartAsync(TempDirectory dir, string[] settings) =>
        ChildProcess.StartExecutable(
            await PublishedAgent.NativeExecutableAsync(),
            [
                "--Agent:TenantId=acme", "--Agent:DeviceId=pos-1", $"--Agent:SpoolDirectory={dir.Sub("spool")}",
                $"--Audio:WavPath={await SpeechAudio.WavAsync(20)}", "--Audio:Loop=true",
                "--Agent:ChunkSeconds=5", "--Recording:Trigger=Always", $"--Mqtt:Port={FreePort.Next()}",
                .. settings,
            ],
            dir.Sub("agent.log"));

    private static async Task<JsonElement> WaitForSealedChunkAsync(int port, ChildProcess agent)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && !agent.HasExited)
        {
            try
            {
                var health = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/health");
                if (health.GetProperty("chunksSealed").GetInt64() > 0)
                {
                    return health;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{(agent.HasExited ? $"the agent exited with {agent.ExitCode}" : "no chunk sealed within a minute")}. Last output:\n{agent.Tail(30)}");
    }
}
