using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Speech;
using Iot.Protocol;
using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.DesiredConfig;

/// <summary>The same ranges the start-up validators enforce, named by the key the value lands on.</summary>
internal static class DesiredConfigRules
{
    public static readonly string[] LogLevels = ["Verbose", "Debug", "Information", "Warning", "Error"];

    public static void Check(DeviceConfigDocument d, List<string> errors)
    {
        if (d.ChunkSeconds is { } chunk && chunk is < 1 or > ProtocolLimits.MaxChunkDurationMs / 1000)
        {
            errors.Add($"{AgentOptions.Section}:ChunkSeconds {chunk} must be 1..{ProtocolLimits.MaxChunkDurationMs / 1000}");
        }

        if (d.BitrateBps is { } bitrate && bitrate is < 6000 or > 128000)
        {
            errors.Add($"{AudioOptions.Section}:BitrateBps {bitrate} must be 6000..128000");
        }

        if (d.VadEngine is { } engine && engine is not ("auto" or "silero" or "energy"))
        {
            errors.Add($"{VadOptions.Section}:Engine '{engine}' must be auto, silero or energy");
        }

        if (d.SpoolMaxAgeDays is { } age && age is <= 0 or > 3650)
        {
            errors.Add($"{SpoolOptions.Section}:MaxAgeDays {age} must be > 0 and <= 3650");
        }

        if (d.SpoolMaxSizeGb is { } size && size is < 0.001 or > 10_000)
        {
            errors.Add($"{SpoolOptions.Section}:MaxSizeGb {size} must be 0.001..10000");
        }

        if (SpokenLanguageCodes.Check(d.SpokenLanguages, "spokenLanguages") is { } languages)
        {
            errors.Add(languages);
        }

        if (d.LogLevel is { } level && !LogLevels.Contains(level, StringComparer.Ordinal))
        {
            errors.Add($"Serilog:MinimumLevel:Default '{level}' must be one of {string.Join(", ", LogLevels)}");
        }
    }
}
