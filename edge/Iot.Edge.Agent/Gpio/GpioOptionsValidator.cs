using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Gpio;

/// <summary>Checked only when enabled, so a stale section on a desk PC cannot stop the agent.</summary>
internal sealed class GpioOptionsValidator : IValidateOptions<GpioOptions>
{
    private const int MaxLine = 1023;

    public ValidateOptionsResult Validate(string? name, GpioOptions o)
    {
        if (!o.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        const string s = GpioOptions.Section;
        if (o.Chip is < 0 or > 63)
        {
            errors.Add($"{s}:Chip {o.Chip} must be 0..63");
        }

        var used = new Dictionary<int, string>();
        foreach (var (key, pin) in new[]
        {
            ("StatusLedPin", (int?)o.StatusLedPin), ("SecondLedPin", o.SecondLedPin), ("BuzzerPin", o.BuzzerPin), ("ButtonPin", o.ButtonPin),
        })
        {
            if (pin is not { } p)
            {
                continue;
            }

            if (p is < 0 or > MaxLine)
            {
                errors.Add($"{s}:{key} {p} must be a GPIO line number 0..{MaxLine} (BCM numbering)");
            }
            else if (!used.TryAdd(p, key))
            {
                errors.Add($"{s}:{key} {p} is already used by {s}:{used[p]}");
            }
        }

        if (o.LongPressSeconds is < 1 or > 60)
        {
            errors.Add($"{s}:LongPressSeconds {o.LongPressSeconds} must be 1..60");
        }

        if (o.DebounceMilliseconds is < 1 or > 1000)
        {
            errors.Add($"{s}:DebounceMilliseconds {o.DebounceMilliseconds} must be 1..1000");
        }
        else if (o.DebounceMilliseconds >= o.LongPressSeconds * 1000)
        {
            errors.Add($"{s}:DebounceMilliseconds {o.DebounceMilliseconds} must be shorter than {s}:LongPressSeconds");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
