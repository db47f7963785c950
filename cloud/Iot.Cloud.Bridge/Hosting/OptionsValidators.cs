using System.Net;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Bridge.Persistence;
using Iot.Cloud.Bridge.Storage;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>Start-up checks that name the configuration key at fault.</summary>
internal sealed class BridgeOptionsValidator : IValidateOptions<BridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, BridgeOptions o)
    {
        var errors = new List<string>();
        const string s = BridgeOptions.Section;
        if (!TopicTree.IsValidId(o.InstanceId))
        {
            errors.Add($"{s}:InstanceId '{o.InstanceId}' must be 1-64 of [a-z0-9_-]");
        }

        if (o.IngestWorkers is < 1 or > 64)
        {
            errors.Add($"{s}:IngestWorkers {o.IngestWorkers} must be 1..64");
        }

        if (o.StoreAheadBatches is < 0 or > 8)
        {
            errors.Add($"{s}:StoreAheadBatches {o.StoreAheadBatches} must be 0..8");
        }

        if (o.BatchSize is < 1 or > 1000)
        {
            errors.Add($"{s}:BatchSize {o.BatchSize} must be 1..1000");
        }

        if (o.QueueCapacity is < 1 or > 100_000)
        {
            errors.Add($"{s}:QueueCapacity {o.QueueCapacity} must be 1..100000");
        }

        if (o.MaxPayloadBytes is < 64 * 1024 or > 256 * 1024 * 1024)
        {
            errors.Add($"{s}:MaxPayloadBytes {o.MaxPayloadBytes} must be 65536..268435456");
        }

        for (var i = 0; i < o.SeedDevices.Count; i++)
        {
            var parts = o.SeedDevices[i].Split('/');
            if (parts.Length != 2 || !TopicTree.IsValidId(parts[0]) || !TopicTree.IsValidId(parts[1]))
            {
                errors.Add($"{s}:SeedDevices:{i} '{o.SeedDevices[i]}' must be tenant/device with ids of [a-z0-9_-]");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed partial class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions o)
    {
        var errors = new List<string>();
        const string s = BrokerOptions.Section;
        if (o.Port is < 1 or > 65535)
        {
            errors.Add($"{s}:Port {o.Port} must be 1..65535");
        }

        if (o.Mode == BrokerMode.External && string.IsNullOrWhiteSpace(o.Host))
        {
            errors.Add($"{s}:Host must be set when {s}:Mode is External");
        }

        if (o.Mode == BrokerMode.Embedded && !IPAddress.TryParse(o.ListenAddress, out _))
        {
            errors.Add($"{s}:ListenAddress '{o.ListenAddress}' is not an IP address");
        }

        if (!TopicTree.IsValidId(o.SharedGroup))
        {
            errors.Add($"{s}:SharedGroup '{o.SharedGroup}' must be 1-64 of [a-z0-9_-]");
        }

        if (o.SessionExpirySeconds is < 0 or > 86400)
        {
            errors.Add($"{s}:SessionExpirySeconds {o.SessionExpirySeconds} must be 0..86400");
        }

        if (o.MaxPacketBytes != 0 && o.MaxPacketBytes is < 64 * 1024 or > 256 * 1024 * 1024)
        {
            errors.Add($"{s}:MaxPacketBytes {o.MaxPacketBytes} must be 0 (derived from Bridge:MaxPayloadBytes) or 65536..268435456");
        }

        errors.AddRange(BrokerSecurityOptionsRules.Check(o));
        if (o.Mode == BrokerMode.Embedded)
        {
            errors.AddRange(BrokerTlsOptionsRules.Check(o));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions o) =>
        string.IsNullOrWhiteSpace(o.Root)
            ? ValidateOptionsResult.Fail($"{StorageOptions.Section}:Root must be set")
            : ValidateOptionsResult.Success;
}
