using Iot.Edge.Agent.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Gpio;

/// <summary>
/// Drives the technician's status LED, second LED and buzzer from the agent's health, and listens to the button:
/// short press → blink the health code, long press → request re-provisioning. Without GPIO (a desk PC, a Pi without
/// libgpiod) it logs that once and stands down; the agent records on either way.
/// </summary>
internal sealed partial class StatusLedService(
    IOptions<GpioOptions> options,
    IGpioControllerFactory controllers,
    AgentHealthProbe probe,
    IReprovisionRequest reprovision,
    HealthCodeBlinkRequest blink,
    TimeProvider time,
    ILogger<StatusLedService> logger) : BackgroundService
{
    /// <summary>How often health is re-read; a problem shows on the LED within this.</summary>
    internal static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _refreshGate = new();
    private PatternPlayer? _player;
    private DeviceCondition? _shown;

    /// <summary>Completes once the pins are driven and the button is watched, or once the service has stood down.</summary>
    internal Task Ready => _ready.Task;

    /// <summary>The pattern being played, one-offs included; null when there is no GPIO.</summary>
    internal BlinkPattern? Playing => _player?.Playing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _player = null;
            _ready.TrySetResult();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            LogDisabled(GpioOptions.Section);
            return;
        }

        StatusOutputs outputs;
        try
        {
            outputs = StatusOutputs.Open(controllers.Open(o), o, logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNoGpio(o.Chip, ex.GetType().Name, ex.Message);
            return;
        }

        using (outputs)
        {
            using var player = new PatternPlayer(outputs.Show, time);
            _player = player;
            using var button = o.ButtonPin is null
                ? null
                : new ButtonDebouncer(() => outputs.ButtonPressed, TimeSpan.FromMilliseconds(o.DebounceMilliseconds), TimeSpan.FromSeconds(o.LongPressSeconds), time, OnShortPress, OnLongPress);
            if (button is not null)
            {
                outputs.WatchButton(button.OnEdge);
            }

            Refresh();
            blink.Attach(OnShortPress);
            using var refresh = time.CreateTimer(_ => Refresh(), null, RefreshPeriod, RefreshPeriod);
            LogStarted(o.Chip, o.StatusLedPin, o.SecondLedPin, o.BuzzerPin, o.ButtonPin);
            _ready.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            finally
            {
                blink.Detach();
            }
        }
    }

    private void Refresh()
    {
        // A slow outbox read must not pile up timer callbacks; the next tick catches up.
        if (!_refreshGate.TryEnter())
        {
            return;
        }

        try
        {
            var decision = LedPatternSelector.Select(probe.Capture());
            if (decision.Condition != _shown)
            {
                LogShowing(decision.Condition.ToString(), decision.Pattern.Name, decision.HealthCode);
                _shown = decision.Condition;
            }

            _player?.Show(decision.Pattern);
        }
        catch (Exception ex)
        {
            LogRefreshFailed(ex);
        }
        finally
        {
            _refreshGate.Exit();
        }
    }

    private void OnShortPress()
    {
        try
        {
            var decision = LedPatternSelector.Select(probe.Capture());
            LogHealthCode(decision.HealthCode, decision.Condition.ToString());
            _player?.PlayOnce(LedPatternSelector.HealthCode(decision.HealthCode));
        }
        catch (Exception ex)
        {
            LogButtonFailed(ex);
        }
    }

    private void OnLongPress()
    {
        try
        {
            _player?.PlayOnce(LedPatternSelector.ReprovisionAcknowledged);
            reprovision.Request("button");
        }
        catch (Exception ex)
        {
            LogButtonFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Status LED off ({Section}:Enabled=false)")]
    private partial void LogDisabled(string section);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No GPIO on this machine (gpiochip{Chip}: {ErrorType}: {Error}); status LED, buzzer and button are off and the agent runs on without them")]
    private partial void LogNoGpio(int chip, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status LED on gpiochip{Chip}: LED {StatusPin}, second LED {SecondPin}, buzzer {BuzzerPin}, button {ButtonPin}")]
    private partial void LogStarted(int chip, int statusPin, int? secondPin, int? buzzerPin, int? buttonPin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status LED shows {Condition} ({Pattern}, health code {Code})")]
    private partial void LogShowing(string condition, string pattern, int code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Button: blinking health code {Code} ({Condition})")]
    private partial void LogHealthCode(int code, string condition);

    [LoggerMessage(Level = LogLevel.Error, Message = "Status LED refresh failed")]
    private partial void LogRefreshFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a button press failed")]
    private partial void LogButtonFailed(Exception exception);
}
