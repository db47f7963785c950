using System.Diagnostics;
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
        var agent = await PublishedAgent.NativeExecutableAsync();
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var psi = new ProcessStartInfo(agent) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--Agent:TenantId=acme", "--Agent:DeviceId=pos-1", $"--Agent:SpoolDirectory={dir.Sub("spool")}",
            $"--Audio:WavPath={await SpeechAudio.WavAsync(20)}", "--Audio:Loop=true", "--Audio:RealTime=false",
            "--Agent:ChunkSeconds=5", "--Recording:Trigger=Always", "--Vad:Engine=silero",
            $"--Health:Port={port}", $"--Mqtt:Port={FreePort.Next()}", "--Serilog:MinimumLevel:Default=Warning",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var health = await WaitForSealedChunkAsync(port, process);

            Assert.Equal("silero", health.GetProperty("vadEngine").GetString());
            var maps = await File.ReadAllTextAsync($"/proc/{process.Id}/maps");
            Assert.DoesNotContain("libonnxruntime", maps, StringComparison.Ordinal);
            Assert.DoesNotContain("libclrjit", maps, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Whisper.net picks its native runtime by asking Avx2.IsSupported, which NativeAOT answers at compile time: at the
    /// default x64 baseline the answer was "no" and the agent refused to start with transcription on.
    /// </summary>
    [Fact]
    public async Task The_native_agent_transcribes_on_the_device_with_whisper()
    {
        var agent = await PublishedAgent.NativeExecutableAsync();
        using var dir = new TempDirectory();
        var psi = new ProcessStartInfo(agent) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--Agent:TenantId=acme", "--Agent:DeviceId=pos-1", $"--Agent:SpoolDirectory={dir.Sub("spool")}",
            $"--Audio:WavPath={await SpeechAudio.WavAsync(20)}", "--Audio:Loop=true", "--Audio:RealTime=true",
            "--Agent:ChunkSeconds=5", "--Recording:Trigger=Always",
            "--Transcription:Enabled=true", $"--Transcription:ModelPath={await WhisperFixtureModel.PathAsync()}",
            "--Serilog:MinimumLevel:Default=Warning", "--Serilog:MinimumLevel:Override:Iot.Edge.Agent.Transcription=Debug",
            $"--Health:Port={FreePort.Next()}", $"--Mqtt:Port={FreePort.Next()}",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        var transcribed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => Seen(e.Data);
        process.ErrorDataReceived += (_, e) => Seen(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var done = await Task.WhenAny(transcribed.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(1)));

            Assert.True(done == transcribed.Task, $"no chunk transcribed; output:\n{string.Join('\n', lines.TakeLast(20))}");
            using var log = JsonDocument.Parse(await transcribed.Task);
            Assert.True(log.RootElement.GetProperty("Segments").GetInt32() > 0, log.RootElement.ToString());
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        void Seen(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(line);
            }

            if (line.Contains("\"Transcribed chunk", StringComparison.Ordinal))
            {
                transcribed.TrySetResult(line);
            }
        }
    }

    private static async Task<JsonElement> WaitForSealedChunkAsync(int port, Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && !process.HasExited)
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

        throw new TimeoutException(process.HasExited ? $"the agent exited with {process.ExitCode}" : "no chunk sealed within a minute");
    }
}
