using System.Diagnostics;
using System.Globalization;

namespace Iot.Bench.Scale;

/// <summary>
/// One real <c>iot-bridge</c> process, so its CPU is measured apart from the load generator and the broker and so two
/// bridges contend the way two deployments would (own thread pools, own connection pools, own GC).
/// </summary>
internal sealed class BridgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _errors = [];
    private int _queueFull;

    private BridgeProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>Queue-full drops the bridge logged ("Ingest queue full; dropped a message …").</summary>
    public int QueueFullDrops => Volatile.Read(ref _queueFull);

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public static Task<BridgeProcess> StartAsync(string instanceId, int brokerPort, string database, string storage, IReadOnlyList<string> devices)
    {
        var args = new List<string>
        {
            "--Broker:Mode=External",
            $"--Broker:Port={brokerPort.ToString(CultureInfo.InvariantCulture)}",
        };
        args.AddRange(devices.Select((d, i) => $"--Bridge:SeedDevices:{i}=bench/{d}"));
        return StartAsync(instanceId, database, storage, args);
    }

    /// <summary>A bridge with the bench's common settings plus <paramref name="settings"/> (<c>--Section:Key=value</c>).</summary>
    public static async Task<BridgeProcess> StartAsync(string instanceId, string database, string storage, IEnumerable<string> settings, TimeSpan? patience = null)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "iot-bridge.dll"));
        var args = new List<string>
        {
            $"--Bridge:InstanceId={instanceId}",
            $"--Database:ConnectionString={database}",
            $"--Storage:Root={storage}",
            "--Serilog:MinimumLevel:Default=Information",
            "--Metrics:Port=0",

            // Not under test, and its fixed port would collide between the bridges of one run.
            "--ProvisioningApi:Enabled=false",
            "--Serilog:MinimumLevel:Override:Iot.Cloud.Bridge.Ingest.IngestPipeline=Warning",
        };
        args.AddRange(settings);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var bridge = new BridgeProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start iot-bridge"));
        bridge._process.OutputDataReceived += (_, e) => bridge.OnLine(e.Data);
        bridge._process.ErrorDataReceived += (_, e) => bridge.OnLine(e.Data);
        bridge._process.BeginOutputReadLine();
        bridge._process.BeginErrorReadLine();
        var exited = bridge._process.WaitForExitAsync();
        var first = await Task.WhenAny(bridge._subscribed.Task, exited, Task.Delay(patience ?? TimeSpan.FromSeconds(60)));
        if (first != bridge._subscribed.Task)
        {
            throw new InvalidOperationException($"{instanceId} did not subscribe: {string.Join(" | ", bridge._errors.TakeLast(5))}");
        }

        return bridge;
    }

    /// <summary>SIGTERM, as systemd stops it: the bridge unsubscribes, so the next stage's bridges get every chunk.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Contains("Ingest queue full", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _queueFull);
        }

        if (line.Contains("subscribed to", StringComparison.Ordinal))
        {
            _subscribed.TrySetResult();
        }
        else if (line.Contains("[ERR]", StringComparison.Ordinal) || line.Contains("[FTL]", StringComparison.Ordinal) || line.Contains("error", StringComparison.OrdinalIgnoreCase))
        {
            lock (_errors)
            {
                if (_errors.Count < 1000)
                {
                    _errors.Add(line);
                }
            }
        }
    }
}
