using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.TestSupport;

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
