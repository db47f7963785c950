using System.Diagnostics.Metrics;

namespace Iot.Mqtt;

/// <summary>
/// Connection counters of every MQTT session in the process, tagged with the session's name: a flapping bridge and a
/// device that cannot log in look alike from the broker's side, and differ here by outcome and reason.
/// </summary>
public static class MqttSessionMetrics
{
    public const string MeterName = "Iot.Mqtt";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> ConnectAttempts = Meter.CreateCounter<long>("iot.mqtt.connect.attempts", description: "MQTT connect attempts by outcome (connected, unreachable, refused, subscribe-refused)");

    internal static readonly Counter<long> Disconnects = Meter.CreateCounter<long>("iot.mqtt.disconnects", description: "MQTT connections lost or closed, by reason");

    internal static readonly UpDownCounter<long> Connected = Meter.CreateUpDownCounter<long>("iot.mqtt.sessions.connected", description: "MQTT sessions currently connected");
}
