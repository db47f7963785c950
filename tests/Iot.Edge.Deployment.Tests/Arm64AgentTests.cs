using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Edge.Deployment.Tests;

/// <summary>
/// The Raspberry Pi build (linux-arm64, NativeAOT cross-compiled) run under qemu-aarch64-static with Debian's arm64 C
/// libraries: it starts, records with Silero, answers /health, and encodes speech into a valid Ogg Opus file.
/// </summary>
public class Arm64AgentTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_arm64_build_encodes_a_wav_into_valid_ogg_opus_under_emulation()
    {
        var publish = await PublishedAgent.ForAsync("linux-arm64");
        using var dir = new TempDirectory();
        var wav = await SpeechAudio.WavAsync(3.27);
        var ogg = dir.Sub("out.opus");
        var clock = Stopwatch.StartNew();

        var result = await RunEmulatedAsync(publish, ["encode", wav, ogg], TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        var info = await ExternalTool.RunAsync("opusinfo", [ogg]);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("Playback length: 0m:03.27", info.StdOut, StringComparison.Ordinal);
        output.WriteLine($"arm64 encode under qemu: {clock.Elapsed.TotalSeconds:0.0} s, {result.StdOut.Trim()}");
    }

    [Fact]
    public async Task The_arm64_agent_records_with_silero_and_answers_health_under_emulation()
    {
        var publish = await PublishedAgent.ForAsync("linux-arm64");
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var psi = EmulatedStart(publish, await Arm64Sysroot.PathAsync(),
        [
            "--Agent:TenantId=acme", "--Agent:DeviceId=pi-1", $"--Agent:SpoolDirectory={dir.Sub("spool")}",
            $"--Audio:WavPath={await SpeechAudio.WavAsync(20)}", "--Audio:Loop=true", "--Audio:RealTime=false",
            "--Agent:ChunkSeconds=5", "--Recording:Trigger=Always",
            $"--Health:Port={port}", $"--Mqtt:Port={FreePort.Next()}", "--Serilog:MinimumLevel:Default=Warning",
            // The model the publish ships; a missing one would silently fall back to the energy detector.
            "--Vad:Engine=silero",
        ]);
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        try
        {
            JsonElement? health = null;
            while (clock.Elapsed < TimeSpan.FromMinutes(3) && !(health?.GetProperty("chunksSealed").GetInt64() > 0) && !process.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/health");
                    health = await response.Content.ReadFromJsonAsync<JsonElement>();
                    await Task.Delay(500);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(500);
                }
                catch (TaskCanceledException)
                {
                }
            }

            Assert.False(process.HasExited, "the emulated agent exited");
            Assert.NotNull(health);
            Assert.False(string.IsNullOrEmpty(health.Value.GetProperty("version").GetString()));
            Assert.Equal("silero", health.Value.GetProperty("vadEngine").GetString());
            Assert.True(health.Value.GetProperty("chunksSealed").GetInt64() > 0, health.Value.ToString());
            output.WriteLine($"arm64 agent (NativeAOT) sealed its first chunk with Silero after {clock.Elapsed.TotalSeconds:0.0} s under qemu");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <param name="sysroot">Debian's arm64 C runtime plus arm64 libssl3 (<see cref="Arm64Sysroot"/>).</param>
    private static ProcessStartInfo EmulatedStart(string publish, string sysroot, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(ExternalTool.Require("qemu-aarch64-static")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(sysroot);
        psi.ArgumentList.Add(Path.Combine(publish, "iot-agent"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // ICU is not in the arm64 sysroot; the agent runs with invariant globalization anyway.
        psi.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        return psi;
    }

    private static async Task<ToolResult> RunEmulatedAsync(string publish, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = EmulatedStart(publish, await Arm64Sysroot.PathAsync(), args);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
