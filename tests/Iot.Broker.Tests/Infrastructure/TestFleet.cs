using System.Security.Cryptography;
using Iot.Protocol.Provisioning;

namespace Iot.Broker.Tests.Infrastructure;

/// <summary>The identities every probe uses: two devices of one tenant, a revoked one, a live and a used-up claim, services.</summary>
public sealed class TestFleet
{
    public const string Tenant = "t1";
    public const string DeviceA = "dev-a";
    public const string DeviceB = "dev-b";
    public const string Revoked = "dev-r";
    public const string ClaimId = "batch1";
    public const string UsedClaimId = "used1";
    public const string Serial = "sn-001";
    public const string OtherSerial = "sn-002";

    public string SecretA { get; } = NewSecret();

    public string PendingSecretA { get; } = NewSecret();

    public string SecretB { get; } = NewSecret();

    public string SecretRevoked { get; } = NewSecret();

    public string ClaimSecret { get; } = NewSecret();

    public string OpsSecret { get; } = NewSecret();

    public string ProvisioningSecret { get; } = NewSecret();

    public string BridgeSecret { get; } = NewSecret();

    public string SealingKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string UserA => MqttIdentities.Device(Tenant, DeviceA);

    public static string UserB => MqttIdentities.Device(Tenant, DeviceB);

    public static string UserRevoked => MqttIdentities.Device(Tenant, Revoked);

    public static string ClaimUser => MqttIdentities.ClaimUser(ClaimId);

    public static string ClaimClient => MqttIdentities.ClaimClient(Serial);

    public async Task<FleetDatabase> CreateDatabaseAsync()
    {
        var db = await FleetDatabase.CreateAsync(SealingKey);
        await db.AddDeviceAsync(Tenant, DeviceA, SecretA, PendingSecretA);
        await db.AddDeviceAsync(Tenant, DeviceB, SecretB);
        await db.AddDeviceAsync(Tenant, Revoked, SecretRevoked, revoked: true);
        await db.AddClaimAsync(ClaimId, Tenant, ClaimSecret, maxUses: 10);
        await db.AddClaimAsync(UsedClaimId, Tenant, ClaimSecret, maxUses: 1, uses: 1);
        await db.PreregisterAsync(Serial, Tenant);
        await db.PreregisterAsync(OtherSerial, Tenant);
        return db;
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
}
