using Iot.Protocol;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Options;
using Iot.Protocol.Audio;

namespace Iot.Edge.Agent.Hosting;

/// <summary>Start-up checks that name the configuration key at fault, so an installer can fix the file without reading code.</summary>
internal sealed class AgentOptionsValidator(IOptions<Provisioning.ProvisioningOptions> provisioning) : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions o)
    {
        var errors = new List<string>();
        const string s = AgentOptions.Section;

        // With provisioning the identity comes from the credentials file; ids given anyway must still be valid.
        var optional = provisioning.Value.Enabled;
        if (!(optional && string.IsNullOrEmpty(o.TenantId)) && !TopicTree.IsValidId(o.TenantId))
        {
            errors.Add($"{s}:TenantId '{o.TenantId}' must be 1-64 of [a-z0-9_-]");
        }

        if (!(optional && string.IsNullOrEmpty(o.DeviceId)) && !TopicTree.IsValidId(o.DeviceId))
        {
            errors.Add($"{s}:DeviceId '{o.DeviceId}' must be 1-64 of [a-z0-9_-]");
        }

        if (string.IsNullOrWhiteSpace(o.SpoolDirectory))
        {
            errors.Add($"{s}:SpoolDirectory must be set");
        }

        if (o.ChunkSeconds is < 1 or > ProtocolLimits.MaxChunkDurationMs / 1000)
        {
            errors.Add($"{s}:ChunkSeconds {o.ChunkSeconds} must be 1..{ProtocolLimits.MaxChunkDurationMs / 1000}");
        }

        if (o.MaxPayloadBytes is < 64 * 1024 or > 256 * 1024 * 1024)
        {
            errors.Add($"{s}:MaxPayloadBytes {o.MaxPayloadBytes} must be 65536..268435456");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class AudioOptionsValidator(IEnumerable<Iot.Edge.Audio.IAudioSourceProvider> providers) : IValidateOptions<AudioOptions>
{
    public ValidateOptionsResult Validate(string? name, AudioOptions o)
    {
        var errors = new List<string>();
        const string s = AudioOptions.Section;
        var provider = providers.FirstOrDefault(p => p.Name == o.Source);
        if (o.Source != AudioOptions.WavSource && provider is null)
        {
            var supported = string.Join(", ", providers.Select(p => p.Name).Prepend(AudioOptions.WavSource));
            errors.Add($"{s}:Source '{o.Source}' is not supported (supported: {supported})");
        }
        else if (provider?.Unavailable is { } why)
        {
            errors.Add($"{s}:Source '{o.Source}' cannot run here: {why}");
        }
        else if (o.Source == AudioOptions.WavSource && (string.IsNullOrWhiteSpace(o.WavPath) || !File.Exists(o.WavPath)))
        {
            errors.Add($"{s}:WavPath '{o.WavPath}' must name an existing WAV file");
        }

        if (o.BitrateBps is < 6000 or > 128000)
        {
            errors.Add($"{s}:BitrateBps {o.BitrateBps} must be 6000..128000");
        }

        if (o.Complexity is < 0 or > 10)
        {
            errors.Add($"{s}:Complexity {o.Complexity} must be 0..10");
        }

        if (!Enum.IsDefined(o.OpusSignal))
        {
            errors.Add($"{s}:OpusSignal '{o.OpusSignal}' must be one of {string.Join(", ", Enum.GetNames<OpusSignalHint>())}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed partial class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions o)
    {
        var errors = new List<string>();
        const string s = MqttOptions.Section;
        ValidateBrokers(o, errors);
        if (o.Port is < 1 or > 65535)
        {
            errors.Add($"{s}:Port {o.Port} must be 1..65535");
        }

        if (o.AckTimeoutSeconds is < 0.1 or > 3600)
        {
            errors.Add($"{s}:AckTimeoutSeconds {o.AckTimeoutSeconds} must be 0.1..3600");
        }

        if (o.MaxInFlight is < 1 or > 1000)
        {
            errors.Add($"{s}:MaxInFlight {o.MaxInFlight} must be 1..1000");
        }

        if (o.ReconnectMinMilliseconds < 10 || o.ReconnectMaxMilliseconds < o.ReconnectMinMilliseconds)
        {
            errors.Add($"{s}:ReconnectMinMilliseconds must be >= 10 and <= {s}:ReconnectMaxMilliseconds");
        }

        if (o.TelemetrySeconds < 1)
        {
            errors.Add($"{s}:TelemetrySeconds must be >= 1");
        }

        if (o.KeepAliveSeconds is < 5 or > 3600)
        {
            errors.Add($"{s}:KeepAliveSeconds {o.KeepAliveSeconds} must be 5..3600");
        }

        ValidateTls(o.Tls, $"{s}:Tls", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed partial class MqttOptionsValidator
{
    /// <summary>At most this many <c>Mqtt:Hosts</c>: a cycle through the list is one backoff step, so it must stay short.</summary>
    internal const int MaxHosts = 16;

    /// <summary>Every entry is parsed and checked for plain text here, so a typo in the third broker fails the start, not a failover months later.</summary>
    private static void ValidateBrokers(MqttOptions o, List<string> errors)
    {
        const string s = MqttOptions.Section;
        if (o.Host is not null && o.Hosts.Count > 0)
        {
            errors.Add($"{s}:Host and {s}:Hosts are both set; keep only {s}:Hosts (a one-entry list is the same as {s}:Host)");
            return;
        }

        if (o.Hosts.Count == 0)
        {
            if (o.Host is not null && string.IsNullOrWhiteSpace(o.Host))
            {
                errors.Add($"{s}:Host must not be empty");
            }
            else if (Uplink.MqttTls.PlaintextRefusal(o, o.Host ?? MqttOptions.DefaultHost, pinnedCa: null) is { } refusal)
            {
                errors.Add($"{s}:Host '{o.Host}': {refusal}");
            }

            return;
        }

        if (o.Hosts.Count > MaxHosts)
        {
            errors.Add($"{s}:Hosts has {o.Hosts.Count} entries; at most {MaxHosts}");
        }

        var seen = new Dictionary<Uplink.BrokerEndpoint, int>();
        for (var i = 0; i < o.Hosts.Count; i++)
        {
            if (!Uplink.BrokerEndpoint.TryParse(o.Hosts[i], o.Port, out var endpoint, out var error))
            {
                errors.Add($"{s}:Hosts:{i} '{o.Hosts[i]}' {error}");
            }
            else if (!seen.TryAdd(endpoint, i))
            {
                errors.Add($"{s}:Hosts:{i} '{o.Hosts[i]}' repeats {s}:Hosts:{seen[endpoint]}");
            }
            else if (Uplink.MqttTls.PlaintextRefusal(o, endpoint.Host, pinnedCa: null) is { } refusal)
            {
                errors.Add($"{s}:Hosts:{i} '{o.Hosts[i]}': {refusal}");
            }
        }
    }

    /// <summary>Certificates are loaded now, so a wrong path or a key that does not match fails the start, not the first connect.</summary>
    private static void ValidateTls(MqttTlsOptions tls, string s, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(tls.CaFile))
        {
            try
            {
                Uplink.MqttTls.LoadCa(tls.CaFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException)
            {
                errors.Add($"{s}:CaFile '{tls.CaFile}' is not a readable PEM certificate file: {ex.Message}");
            }
        }

        var hasCertificate = !string.IsNullOrWhiteSpace(tls.ClientCertificateFile);
        if (hasCertificate != !string.IsNullOrWhiteSpace(tls.ClientKeyFile))
        {
            errors.Add($"{s}:ClientCertificateFile and {s}:ClientKeyFile must be set together");
        }
        else if (hasCertificate)
        {
            try
            {
                using var _ = Iot.Mqtt.PemCertificate.LoadWithKey(tls.ClientCertificateFile!, tls.ClientKeyFile!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                errors.Add($"{s}:ClientCertificateFile/{s}:ClientKeyFile cannot be loaded as a PEM pair: {ex.Message}");
            }
        }
    }
}

internal sealed class RecordingOptionsValidator : IValidateOptions<Recording.RecordingOptions>
{
    public ValidateOptionsResult Validate(string? name, Recording.RecordingOptions o)
    {
        var errors = new List<string>();
        const string s = Recording.RecordingOptions.Section;
        TimeZoneInfo? zone = null;
        try
        {
            zone = Recording.WeeklySchedule.FindZone(o.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"{s}:TimeZone '{o.TimeZone}' is not a known IANA time zone (e.g. Europe/Istanbul)");
        }

        if (zone is not null)
        {
            try
            {
                Recording.WeeklySchedule.Parse(o.EffectiveSchedule, zone);
            }
            catch (FormatException ex)
            {
                errors.Add($"{s}:Schedule {ex.Message}");
            }
        }

        if (o.EnabledUsers.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{s}:EnabledUsers must not contain empty names");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class SpoolOptionsValidator : IValidateOptions<Outbox.SpoolOptions>
{
    public ValidateOptionsResult Validate(string? name, Outbox.SpoolOptions o)
    {
        var errors = new List<string>();
        const string s = Outbox.SpoolOptions.Section;
        if (o.MaxAgeDays is <= 0 or > 3650)
        {
            errors.Add($"{s}:MaxAgeDays {o.MaxAgeDays} must be > 0 and <= 3650");
        }

        if (o.MaxSizeGb is < 0.001 or > 10_000)
        {
            errors.Add($"{s}:MaxSizeGb {o.MaxSizeGb} must be 0.001..10000");
        }

        if (o.CheckSeconds is < 1 or > 86_400)
        {
            errors.Add($"{s}:CheckSeconds {o.CheckSeconds} must be 1..86400");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
