using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Iot.TestSupport;

namespace Iot.Provisioning.Tests.Alerts.Prometheus;

/// <summary>
/// Debian's prometheus, run with a config made from the shipped prometheus.yml (targets pointed at the test's ports,
/// scrape and evaluation every second) and the shipped rules file as it is. Killed on dispose.
/// </summary>
internal sealed partial class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir;

    private PrometheusServer(Process process, TempDirectory dir, Uri address)
    {
        _process = process;
        _dir = dir;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts prometheus scraping the bridge at <paramref name="bridge"/>; nothing answers for the other jobs.</summary>
    public static async Task<PrometheusServer> StartAsync(Uri bridge)
    {
        var dir = new TempDirectory("prometheus");
        var nowhere = $"127.0.0.1:{FreePort.Next()}";
        var agents = Path.Combine(dir.Path, "agents.yml");
        await File.WriteAllTextAsync(agents, $"- targets:\n    - {nowhere}\n");
        var config = (await File.ReadAllTextAsync(Promtool.ConfigFile))
            .Replace("127.0.0.1:9470", $"{bridge.Host}:{bridge.Port}", StringComparison.Ordinal)
            .Replace("127.0.0.1:9472", nowhere, StringComparison.Ordinal)
            .Replace("127.0.0.1:5080", nowhere, StringComparison.Ordinal)
            .Replace("127.0.0.1:9093", nowhere, StringComparison.Ordinal)
            .Replace("- rules/iot-alerts.yml", "- " + Promtool.RulesFile, StringComparison.Ordinal)
            .Replace("- targets/agents.yml", "- " + agents, StringComparison.Ordinal);
        config = Interval().Replace(config, "${key}: 1s");
        Assert.Contains(Promtool.RulesFile, config, StringComparison.Ordinal);
        Assert.Contains($"{bridge.Host}:{bridge.Port}", config, StringComparison.Ordinal);
        var file = Path.Combine(dir.Path, "prometheus.yml");
        await File.WriteAllTextAsync(file, config);

        // A free port can be taken between the probe and prometheus binding it: try again on a new one.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            var start = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[]
                     {
                         "--config.file=" + file, "--storage.tsdb.path=" + Path.Combine(dir.Path, "data"),
                         "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--log.level=warn",
                     })
            {
                start.ArgumentList.Add(a);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (apt-get install prometheus)");
            var log = new System.Text.StringBuilder();
            process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var server = new PrometheusServer(process, dir, new Uri($"http://127.0.0.1:{port}/"));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var until = DateTime.UtcNow.AddSeconds(15);
            while (DateTime.UtcNow < until && !process.HasExited)
            {
                try
                {
                    if ((await http.GetAsync(new Uri(server.Address, "-/ready"))).IsSuccessStatusCode)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(200);
            }

            await server.StopAsync();
            process.Dispose();
            if (attempt == 2)
            {
                dir.Dispose();
                string text;
                lock (log)
                {
                    text = log.ToString();
                }

                throw new InvalidOperationException("prometheus did not become ready: " + text);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        _dir.Dispose();
    }

    private async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    [GeneratedRegex(@"(?<key>scrape_interval|evaluation_interval): \d+[smh]")]
    private static partial Regex Interval();
}
