using System.Text.Json;
using Iot.Edge.Agent.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// The identity the uplink uses. With provisioning on it comes from the credentials file (absent until the claim flow
/// succeeds); otherwise from <c>Agent</c>/<c>Mqtt</c> configuration and never changes.
/// </summary>
public sealed partial class DeviceIdentityStore
{
    private readonly MqttOptions _mqtt;
    private readonly ILogger<DeviceIdentityStore> _logger;
    private readonly Lock _gate = new();
    private AgentIdentity? _current;
    private StoredCredentials? _stored;
    private long _generation;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DeviceIdentityStore(IOptions<AgentOptions> agent, IOptions<MqttOptions> mqtt, IOptions<ProvisioningOptions> provisioning, ILogger<DeviceIdentityStore> logger)
    {
        _mqtt = mqtt.Value;
        _logger = logger;
        ProvisioningEnabled = provisioning.Value.Enabled;
        CredentialsPath = provisioning.Value.EffectiveCredentialsPath(agent.Value.SpoolDirectory);
        _current = ProvisioningEnabled
            ? Load()
            : new AgentIdentity(agent.Value.TenantId, agent.Value.DeviceId, Uplink.BrokerEndpoints.Configured(_mqtt), _mqtt.Username, _mqtt.Password, FromCredentialsFile: false);
    }

    public bool ProvisioningEnabled { get; }

    public string CredentialsPath { get; }

    public AgentIdentity? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>
    /// The identity with a counter that changes on every save or delete, so a session can tell that a re-provision
    /// happened even when the cloud hands back the same name.
    /// </summary>
    public (AgentIdentity? Identity, long Generation) Snapshot()
    {
        lock (_gate)
        {
            return (_current, _generation);
        }
    }

    /// <summary>Completes at the next <see cref="Save"/> or <see cref="Delete"/>.</summary>
    public Task WaitForChangeAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            return _changed.Task.WaitAsync(ct);
        }
    }

    /// <summary>Writes the file atomically, owner-only (0600), then switches the uplink to it.</summary>
    public AgentIdentity Save(StoredCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var identity = ToIdentity(credentials);
        Directory.CreateDirectory(Path.GetDirectoryName(CredentialsPath)!);
        var temp = CredentialsPath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600 rather than chmod-ed afterwards: the secret is never readable by others, even briefly.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, credentials, AgentJsonContext.Default.StoredCredentials);
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, CredentialsPath, overwrite: true);
        LogSaved(identity.ClientId, CredentialsPath);
        Set(identity, credentials);
        return identity;
    }

    /// <summary>Forgets the identity (re-provisioning); the outbox is untouched.</summary>
    public void Delete()
    {
        if (!ProvisioningEnabled)
        {
            throw new InvalidOperationException("provisioning is not configured (Provisioning:ClaimPath)");
        }

        File.Delete(CredentialsPath);
        LogDeleted(CredentialsPath);
        Set(null, null);
    }

    /// <summary>The stored credentials with a new password, for rotation; null when the identity is not from the file.</summary>
    public StoredCredentials? WithPassword(string password)
    {
        lock (_gate)
        {
            return _stored is null ? null : _stored with { Password = password };
        }
    }

    /// <summary>The identity <paramref name="credentials"/> would give, without storing anything.</summary>
    public AgentIdentity Preview(StoredCredentials credentials) => ToIdentity(credentials);

    private void Set(AgentIdentity? identity, StoredCredentials? stored)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _current = identity;
            _stored = stored;
            _generation++;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private AgentIdentity ToIdentity(StoredCredentials c)
    {
        // The claim's broker first (the cloud named it for this device), Mqtt:Hosts after it as fallbacks.
        var brokers = string.IsNullOrWhiteSpace(c.Broker) ? Uplink.BrokerEndpoints.Configured(_mqtt) : Uplink.BrokerEndpoints.Named(BrokerAddress.Parse(c.Broker), _mqtt);
        return new AgentIdentity(c.TenantId, c.DeviceId, brokers, c.Username, c.Password, FromCredentialsFile: true, c.CaCertificate);
    }

    private AgentIdentity? Load()
    {
        if (!File.Exists(CredentialsPath))
        {
            return null;
        }

        try
        {
            var stored = JsonSerializer.Deserialize(File.ReadAllBytes(CredentialsPath), AgentJsonContext.Default.StoredCredentials);
            if (stored is not null && Iot.Protocol.Topics.TopicTree.IsValidId(stored.TenantId) && Iot.Protocol.Topics.TopicTree.IsValidId(stored.DeviceId))
            {
                _stored = stored;
                return ToIdentity(stored);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidDataException)
        {
            LogUnreadable(CredentialsPath, ex.Message);
            return null;
        }

        LogUnreadable(CredentialsPath, "tenantId/deviceId missing or invalid");
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device credentials for {ClientId} stored in {Path}")]
    private partial void LogSaved(string clientId, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device credentials {Path} deleted; provisioning starts again")]
    private partial void LogDeleted(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Credentials file {Path} is unusable ({Error}); provisioning starts again")]
    private partial void LogUnreadable(string path, string error);
}
