using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Agent.Speech;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.DesiredConfig;

/// <summary>
/// Applies the cloud's desired configuration all-or-nothing. The recording policy changes live; chunk length, bitrate,
/// VAD engine, spool limits and log level are read at start-up, so they are persisted here and take effect at the next
/// start (see <see cref="DesiredConfigLayer"/>). The effective document is kept in the spool, so a reboot without
/// network keeps it; a refused document leaves everything as it was and is reported with its error.
/// </summary>
public sealed partial class DesiredConfigApplier
{
    public const string FileName = "desired-config.json";
    private readonly RecordingPolicyStore _recording;
    private readonly TimeProvider _time;
    private readonly ILogger<DesiredConfigApplier> _logger;
    private readonly string _path;
    private readonly Lock _gate = new();
    private DeviceConfigDocument _effective;
    private long _lastSeen;
    private string? _error;

    public DesiredConfigApplier(
        RecordingPolicyStore recording,
        IOptions<AgentOptions> agent,
        IOptions<AudioOptions> audio,
        IOptions<VadOptions> vad,
        IOptions<SpoolOptions> spool,
        TimeProvider time,
        ILogger<DesiredConfigApplier> logger)
    {
        _recording = recording;
        _time = time;
        _logger = logger;
        _path = Path.Combine(agent.Value.SpoolDirectory, FileName);
        _effective = Load(_path) ?? new DeviceConfigDocument
        {
            Version = 0,
            IssuedAtUtc = DateTimeOffset.UnixEpoch,
            ChunkSeconds = agent.Value.ChunkSeconds,
            BitrateBps = audio.Value.BitrateBps,
            VadEngine = vad.Value.Engine,
            SpoolMaxAgeDays = spool.Value.MaxAgeDays,
            SpoolMaxSizeGb = spool.Value.MaxSizeGb,
        };
        _effective = _effective with { Recording = ToConfig(recording.Current.Options) };
        _lastSeen = _effective.Version;
    }

    public long AppliedVersion
    {
        get
        {
            lock (_gate)
            {
                return _effective.Version;
            }
        }
    }

    public ReportedConfig Report()
    {
        lock (_gate)
        {
            return new ReportedConfig { AppliedVersion = _effective.Version, LastSeenVersion = _lastSeen, Error = _error, Effective = _effective, AtUtc = _time.GetUtcNow() };
        }
    }

    /// <summary>The report to publish, or null when <paramref name="desired"/> is not newer than what runs (a retained redelivery).</summary>
    public ReportedConfig? Apply(DeviceConfigDocument desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        lock (_gate)
        {
            if (desired.Version <= _effective.Version)
            {
                LogIgnored(desired.Version, _effective.Version);
                return null;
            }

            _lastSeen = Math.Max(_lastSeen, desired.Version);
            var errors = new List<string>();
            var recording = desired.Recording is { } r ? Merge(_recording.Current.Options, r, errors) : null;
            DesiredConfigRules.Check(desired, errors);
            if (errors.Count > 0)
            {
                _error = string.Join("; ", errors);
                LogRefused(desired.Version, _error);
                return Report();
            }

            var effective = new DeviceConfigDocument
            {
                Version = desired.Version,
                IssuedAtUtc = desired.IssuedAtUtc,
                Recording = recording is null ? _effective.Recording : ToConfig(recording),
                ChunkSeconds = desired.ChunkSeconds ?? _effective.ChunkSeconds,
                BitrateBps = desired.BitrateBps ?? _effective.BitrateBps,
                VadEngine = desired.VadEngine ?? _effective.VadEngine,
                SpoolMaxAgeDays = desired.SpoolMaxAgeDays ?? _effective.SpoolMaxAgeDays,
                SpoolMaxSizeGb = desired.SpoolMaxSizeGb ?? _effective.SpoolMaxSizeGb,
                LogLevel = desired.LogLevel ?? _effective.LogLevel,
                SpokenLanguages = desired.SpokenLanguages ?? _effective.SpokenLanguages,
            };
            var restart = DesiredConfigLayer.RestartKeys(_effective, effective);

            // Persist first: if the policy update then fails the next start still converges on the accepted document.
            Save(effective);
            if (recording is not null)
            {
                _recording.Update(recording);
            }

            _effective = effective;
            _error = null;
            LogApplied(desired.Version, restart.Count == 0 ? "none" : string.Join(", ", restart));
            return Report();
        }
    }

    private static RecordingOptions? Merge(RecordingOptions current, RecordingConfig r, List<string> errors)
    {
        var merged = new RecordingOptions
        {
            Trigger = current.Trigger,
            Upload = current.Upload,
            TimeZone = r.TimeZone ?? current.TimeZone,
            Schedule = r.Schedule is null ? new Dictionary<string, string>(current.Schedule) : new Dictionary<string, string>(r.Schedule),
            BranchEnabled = r.BranchEnabled ?? current.BranchEnabled,
            EnabledUsers = r.EnabledUsers is null ? [.. current.EnabledUsers] : [.. r.EnabledUsers],
            RequireDeskUser = r.RequireDeskUser ?? current.RequireDeskUser,
        };
        if (r.Trigger is { } trigger)
        {
            if (Enum.TryParse<RecordingTrigger>(trigger, ignoreCase: true, out var t) && Enum.IsDefined(t) && !char.IsDigit(trigger[0]))
            {
                merged.Trigger = t;
            }
            else
            {
                errors.Add($"{RecordingOptions.Section}:Trigger '{trigger}' must be Schedule, Visits or Always");
            }
        }

        if (r.Upload is { } upload)
        {
            if (Enum.TryParse<UploadMode>(upload, ignoreCase: true, out var u) && Enum.IsDefined(u) && !char.IsDigit(upload[0]))
            {
                merged.Upload = u;
            }
            else
            {
                errors.Add($"{RecordingOptions.Section}:Upload '{upload}' must be SpeechOnly or Continuous");
            }
        }

        var check = new RecordingOptionsValidator().Validate(null, merged);
        if (check.Failed)
        {
            errors.AddRange(check.Failures);
        }

        return merged;
    }

    private static RecordingConfig ToConfig(RecordingOptions o) => new()
    {
        Trigger = o.Trigger.ToString(),
        Upload = o.Upload.ToString(),
        TimeZone = o.TimeZone,
        Schedule = new Dictionary<string, string>(o.EffectiveSchedule),
        BranchEnabled = o.BranchEnabled,
        EnabledUsers = [.. o.EnabledUsers],
        RequireDeskUser = o.RequireDeskUser,
    };

    private void Save(DeviceConfigDocument effective)
    {
        var temp = _path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(ProtocolJson.Serialize(effective));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }

    /// <summary>The persisted effective document, or null; also used by start-up configuration layering.</summary>
    public static DeviceConfigDocument? Load(string path)
    {
        try
        {
            return File.Exists(path) ? ProtocolJson.TryDeserialize<DeviceConfigDocument>(File.ReadAllBytes(path), out _) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Desired config version {Version} ignored: version {Applied} already applied")]
    private partial void LogIgnored(long version, long applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Desired config version {Version} refused: {Error}")]
    private partial void LogRefused(long version, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Desired config version {Version} applied; needs a restart: {RestartKeys}")]
    private partial void LogApplied(long version, string restartKeys);
}
