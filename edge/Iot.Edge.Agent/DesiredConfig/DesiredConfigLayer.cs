using System.Globalization;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Speech;
using Iot.Edge.Agent.Transcription;
using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.DesiredConfig;

/// <summary>
/// Turns the persisted desired document into configuration keys for start-up. It sits above the config file and the
/// environment but below explicit overrides and the command line, so a technician can still pin a value locally.
/// </summary>
public static class DesiredConfigLayer
{
    public static Dictionary<string, string?> Keys(DeviceConfigDocument d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var keys = new Dictionary<string, string?>();
        Put(keys, $"{AgentOptions.Section}:ChunkSeconds", d.ChunkSeconds);
        Put(keys, $"{AudioOptions.Section}:BitrateBps", d.BitrateBps);
        Put(keys, $"{SpoolOptions.Section}:MaxAgeDays", d.SpoolMaxAgeDays);
        Put(keys, $"{SpoolOptions.Section}:MaxSizeGb", d.SpoolMaxSizeGb);
        if (d.VadEngine is { } engine)
        {
            keys[$"{VadOptions.Section}:Engine"] = engine;
        }

        if (d.LogLevel is { } level)
        {
            keys["Serilog:MinimumLevel:Default"] = level;
        }

        // One language spoken here: Whisper transcribes in it without detecting (cheaper, and never a wrong guess);
        // several: it detects among them only.
        if (d.SpokenLanguages is { Count: > 0 } spoken)
        {
            keys[$"{TranscriptionOptions.Section}:Language"] = spoken.Count == 1 ? spoken[0] : "auto";
            for (var i = 0; i < spoken.Count; i++)
            {
                keys[$"{TranscriptionOptions.Section}:CandidateLanguages:{i}"] = spoken[i];
            }
        }

        return keys;
    }

    /// <summary>Keys whose value differs between the two documents; they change only at the next start.</summary>
    public static IReadOnlyList<string> RestartKeys(DeviceConfigDocument before, DeviceConfigDocument after)
    {
        var old = Keys(before);
        return Keys(after).Where(k => !old.TryGetValue(k.Key, out var v) || v != k.Value).Select(k => k.Key).Order(StringComparer.Ordinal).ToList();
    }

    private static void Put<T>(Dictionary<string, string?> keys, string key, T? value)
        where T : struct, IFormattable
    {
        if (value is { } v)
        {
            keys[key] = v.ToString(null, CultureInfo.InvariantCulture);
        }
    }
}
