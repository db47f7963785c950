using System.Text.Json.Nodes;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Uplink;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Edge.Agent.HomeAssistant;

/// <summary>
/// Device-based MQTT discovery (<c>{prefix}/device/{node_id}/config</c>): online from the retained status, recording,
/// mic and backlog from telemetry, all read by value templates so the agent publishes nothing extra. Announced on
/// every connect and whenever Home Assistant says <c>online</c>; withdrawn (empty retained payload) when the device
/// gives up its identity.
/// </summary>
public sealed partial class HomeAssistantDiscovery(IOptions<HomeAssistantOptions> options, ILogger<HomeAssistantDiscovery> logger)
{
    private readonly HomeAssistantOptions _options = options.Value;

    public bool Enabled => _options.Enabled;

    /// <summary>Home Assistant's birth/last-will topic.</summary>
    public string StatusTopic => _options.Prefix + "/status";

    public string ConfigTopic(SessionTopics topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        return $"{_options.Prefix}/device/{NodeId(topics)}/config";
    }

    public async Task AnnounceAsync(IMqttClient client, SessionTopics topics, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!Enabled)
        {
            return;
        }

        var result = await PublishAsync(client, ConfigTopic(topics), System.Text.Encoding.UTF8.GetBytes(Payload(topics).ToJsonString()), ct).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            LogAnnounced(ConfigTopic(topics));
        }
        else
        {
            LogRefused(ConfigTopic(topics), result.ReasonCode.ToString());
        }
    }

    public async Task RemoveAsync(IMqttClient client, SessionTopics topics, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!Enabled || !client.IsConnected)
        {
            return;
        }

        await PublishAsync(client, ConfigTopic(topics), [], ct).ConfigureAwait(false);
        LogRemoved(ConfigTopic(topics));
    }

    public static JsonObject Payload(SessionTopics topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var node = NodeId(topics);
        return new JsonObject
        {
            ["dev"] = new JsonObject
            {
                ["ids"] = new JsonArray("iot_" + node),
                ["name"] = $"{topics.TenantId} {topics.DeviceId}",
                ["mf"] = "IoT audio",
                ["mdl"] = "iot-agent",
                ["sw"] = AgentVersion.Current,
            },
            ["o"] = new JsonObject { ["name"] = "iot-agent", ["sw"] = AgentVersion.Current },
            ["qos"] = 1,
            ["cmps"] = new JsonObject
            {
                ["online"] = Component(node, "online", "binary_sensor", "Online", topics.Status, "{{ 'ON' if value_json.state == 'online' else 'OFF' }}", "connectivity"),
                ["recording"] = Component(node, "recording", "binary_sensor", "Recording", topics.Telemetry, "{{ 'ON' if value_json.recording else 'OFF' }}", "running"),
                ["mic"] = Component(node, "mic", "binary_sensor", "Microphone", topics.Telemetry, "{{ 'OFF' if value_json.mic == 'missing' else 'ON' }}", "plug"),
                ["backlog"] = Backlog(node, topics.Telemetry),
            },
        };
    }

    // HA node ids allow [a-zA-Z0-9_-]; device ids already fit, and '_' cannot be confused with the '.' of client ids.
    private static string NodeId(SessionTopics topics) => topics.TenantId + "_" + topics.DeviceId;

    private static JsonObject Component(string node, string key, string platform, string name, string stateTopic, string template, string deviceClass) => new()
    {
        ["p"] = platform,
        ["name"] = name,
        ["unique_id"] = $"iot_{node}_{key}",
        ["state_topic"] = stateTopic,
        ["value_template"] = template,
        ["device_class"] = deviceClass,
    };

    private static JsonObject Backlog(string node, string telemetry)
    {
        var backlog = Component(node, "backlog", "sensor", "Backlog", telemetry, "{{ value_json.outboxDepth }}", "");
        backlog.Remove("device_class");
        backlog["unit_of_measurement"] = "chunks";
        backlog["state_class"] = "measurement";
        return backlog;
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, byte[] payload, CancellationToken ct) =>
        client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(true).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Home Assistant discovery published on {Topic}")]
    private partial void LogAnnounced(string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker refused Home Assistant discovery on {Topic}: {Code} (broker ACL?)")]
    private partial void LogRefused(string topic, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Home Assistant discovery withdrawn from {Topic}")]
    private partial void LogRemoved(string topic);
}
