namespace Iot.Edge.Agent.HomeAssistant;

/// <summary>Section <c>HomeAssistant</c>: MQTT discovery, for stores that watch devices in Home Assistant. Off by default.</summary>
public sealed class HomeAssistantOptions
{
    public const string Section = "HomeAssistant";

    public bool Enabled { get; set; }

    public string Prefix { get; set; } = "homeassistant";
}
