using Iot.Dashboard.Data;
using Iot.Dashboard.Provisioning;
using Iot.Protocol.Messages;
using Iot.Provisioning.Api;

namespace Iot.Dashboard.Fleet;

/// <summary>What the device page may change; null = keep the current desired value.</summary>
public sealed record DeviceConfigChange(
    bool? RecordingEnabled = null,
    string? Trigger = null,
    IReadOnlyDictionary<string, string>? Schedule = null,
    int? ChunkSeconds = null,
    string? LogLevel = null,
    IReadOnlyList<string>? SpokenLanguages = null);

public sealed record DeviceCommandRequest(string Name, int? TimeoutSeconds = null);

/// <summary>
/// The device page's actions (its reads are <see cref="DeviceDetails"/>). The bridge's operator API (the code iotctl reaches too) versions, stores, publishes,
/// revokes and audits; this class first proves through <see cref="TenantDb"/> that the device is the caller's (tenant
/// and branch), and keeps the change to what the page offers. Reads stay on the dashboard's own row-secured queries.
/// </summary>
public sealed class DeviceControl(TenantDb db, OperatorApi api)
{
    /// <summary>Commands the agent acts on that need no secret (rotate-credentials does: iotctl rotate).</summary>
    public static readonly IReadOnlyList<string> Commands = ["restart", "reprovision", "blink", "start-recording", "stop-recording"];

    public static readonly IReadOnlyList<string> Triggers = ["Schedule", "Visits", "Always"];

    public static readonly IReadOnlyList<string> LogLevels = ["Verbose", "Debug", "Information", "Warning", "Error"];

    public bool CanPush => api.Configured;

    /// <summary>Problems keyed by field; empty = the next version was stored and published (retained).</summary>
    public async Task<(long Version, Dictionary<string, string[]> Errors)> PushConfigAsync(string deviceId, DeviceConfigChange change, CancellationToken ct)
    {
        var errors = Check(change);
        if (errors.Count > 0)
        {
            return (0, errors);
        }

        await RequireDeviceAsync(deviceId, ct).ConfigureAwait(false);
        var stored = await api.CallAsync(async (actions, who) =>
        {
            var current = (await actions.ConfigAsync(who, deviceId, ct).ConfigureAwait(false)).Desired
                          ?? new DeviceConfigDocument { Version = 0, IssuedAtUtc = DateTimeOffset.UnixEpoch };
            var recording = current.Recording ?? new RecordingConfig();
            var next = current with
            {
                ChunkSeconds = change.ChunkSeconds ?? current.ChunkSeconds,
                LogLevel = change.LogLevel ?? current.LogLevel,

                // An empty list clears the device's own setting (its branch's languages apply again).
                SpokenLanguages = change.SpokenLanguages is null ? current.SpokenLanguages : SpokenLanguageCodes.Normalise(change.SpokenLanguages),
                Recording = recording with
                {
                    BranchEnabled = change.RecordingEnabled ?? recording.BranchEnabled,
                    Trigger = change.Trigger ?? recording.Trigger,
                    Schedule = change.Schedule ?? recording.Schedule,
                },
            };
            return await actions.SetConfigAsync(who, deviceId, next, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return (stored.Version, errors);
    }

    public async Task<Guid> SendCommandAsync(string deviceId, DeviceCommandRequest request, CancellationToken ct)
    {
        await RequireDeviceAsync(deviceId, ct).ConfigureAwait(false);
        return await api.CallAsync((actions, who) => actions.SendCommandAsync(who, deviceId, new CommandBody(request.Name, null, request.TimeoutSeconds ?? 60), ct)).ConfigureAwait(false);
    }

    /// <summary>Revocation through the bridge, whose broker session control ends the device's live session at once.</summary>
    public async Task RevokeAsync(string deviceId, CancellationToken ct)
    {
        await RequireDeviceAsync(deviceId, ct).ConfigureAwait(false);
        await api.CallAsync((actions, who) => actions.RevokeAsync(who, deviceId, ct)).ConfigureAwait(false);
    }

    public static Dictionary<string, string[]> Check(DeviceConfigChange change)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (change.Trigger is { } t && !Triggers.Contains(t))
        {
            errors["trigger"] = [$"trigger must be one of {string.Join(", ", Triggers)}"];
        }

        if (change.LogLevel is { } l && !LogLevels.Contains(l))
        {
            errors["logLevel"] = [$"logLevel must be one of {string.Join(", ", LogLevels)}"];
        }

        if (change.ChunkSeconds is < 5 or > 3600)
        {
            errors["chunkSeconds"] = ["chunkSeconds must be 5..3600"];
        }

        if (SpokenLanguageCodes.Check(SpokenLanguageCodes.Normalise(change.SpokenLanguages), "spokenLanguages") is { } spoken)
        {
            errors["spokenLanguages"] = [spoken];
        }

        if (change.Schedule is { } s && s.Any(e => string.IsNullOrWhiteSpace(e.Key) || string.IsNullOrWhiteSpace(e.Value)))
        {
            errors["schedule"] = ["schedule entries need a day (e.g. Mon-Fri) and hours (e.g. 09:00-18:00)"];
        }

        return errors;
    }

    public static Dictionary<string, string[]> CheckCommand(DeviceCommandRequest request) =>
        !Commands.Contains(request.Name) ? new(StringComparer.Ordinal) { ["name"] = [$"name must be one of {string.Join(", ", Commands)}"] }
        : request.TimeoutSeconds is < 5 or > 86_400 ? new(StringComparer.Ordinal) { ["timeoutSeconds"] = ["timeoutSeconds must be 5..86400"] }
        : new(StringComparer.Ordinal);

    private async Task RequireDeviceAsync(string deviceId, CancellationToken ct)
    {
        if (await db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM devices WHERE device_id = @deviceId)", new { deviceId }, ct).ConfigureAwait(false) is false)
        {
            throw new NotInTenantException($"device '{deviceId}' not found");
        }

        if (!CanPush)
        {
            // Same refusal the API call would give, before any work: nothing is half done.
            await api.CallAsync<bool>((_, _) => Task.FromResult(true)).ConfigureAwait(false);
        }
    }
}
