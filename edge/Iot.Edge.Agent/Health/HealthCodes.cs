namespace Iot.Edge.Agent.Health;

/// <summary>
/// The number a technician counts on the LED after a short button press, or reads as <c>healthCode</c>; stable across
/// releases because support scripts and the printed blink table refer to it.
/// </summary>
public static class HealthCodes
{
    public const int Fine = 1;

    public static int For(DeviceCondition condition) => condition switch
    {
        DeviceCondition.Error => 5,
        DeviceCondition.MicMissing => 4,
        DeviceCondition.OfflineWithBacklog => 3,
        DeviceCondition.WaitingForProvisioning => 2,
        _ => Fine,
    };
}
