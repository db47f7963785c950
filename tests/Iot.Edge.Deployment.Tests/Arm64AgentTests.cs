using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Edge.Deployment.Tests;

/// <summary>
/// The Raspberry Pi build (linux-arm64, self-contained) run under qemu-aarch64-static with Debian's arm64 C libraries:
/// it starts, answers /health, and encodes speech into a valid Ogg Opus file.
/// </summary>
public class Arm64AgentTests(ITestOutputHelper output)
{
    /// <summary>Debian's arm64 C runtime plus arm64 libssl3, prepared by edge/scripts/arm64-sysroot.sh (tests/test.sh runs it).</summary>
    private static readonly string ArmLibraries = Path.Combine(RepoPaths.Root, ".cache", "arm64-sysroot");

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
    public async Task The_arm64_agent_starts_and_answers_health_under_emulation()
    {
        var publish = await PublishedAgent.ForAsync("linux-arm64");
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var psi = EmulatedStart(publish,
        [
            "--Agent:TenantId=acme", "--Agent:DeviceId=pi-1", $"--Agent:SpoolDirectory={dir.Sub("spool")}",
            $"--Audio:WavPath={await SpeechAudio.WavAsync(20)}", "--Audio:Loop=true", "--Recording:Trigger=Always",
            $"--Health:Port={port}", $"--Mqtt:Port={FreePort.Next()}", "--Serilog:MinimumLevel:Default=Warning",
            // ONNX Runtime's arm64 build crashes under qemu-user (its CPU probing reads the x86 host's /proc/cpuinfo);
            // Silero on arm64 needs a real Pi. The rest of the agent is exercised here.
            "--Vad:Engine=energy",
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
            while (clock.Elapsed < TimeSpan.FromMinutes(3) && health is null && !process.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/health");
                    health = await response.Content.ReadFromJsonAsync<JsonElement>();
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
            output.WriteLine($"arm64 agent answered /health after {clock.Elapsed.TotalSeconds:0.0} s under qemu");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static ProcessStartInfo EmulatedStart(string publish, IEnumerable<string> args)
    {
        if (!File.Exists(Path.Combine(ArmLibraries, "lib", "libssl.so.3")))
        {
            throw new InvalidOperationException($"{ArmLibraries} is not prepared; run edge/scripts/arm64-sysroot.sh (tests/test.sh does)");
        }

        var psi = new ProcessStartInfo(ExternalTool.Require("qemu-aarch64-static")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(ArmLibraries);
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
        var psi = EmulatedStart(publish, args);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
