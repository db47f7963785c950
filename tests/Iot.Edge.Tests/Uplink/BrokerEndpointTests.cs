using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Uplink;

namespace Iot.Edge.Tests.Uplink;

public class BrokerEndpointTests
{
    [Theory]
    [InlineData("broker-a.example.internal:8883", "broker-a.example.internal", 8883)]
    [InlineData("10.0.0.5:1884", "10.0.0.5", 1884)]
    [InlineData("  broker-b  ", "broker-b", 1999)]
    [InlineData("[::1]:1883", "::1", 1883)]
    [InlineData("[fe80::1:2]", "fe80::1:2", 1999)]
    [InlineData("localhost:65535", "localhost", 65535)]
    public void Host_port_bracketed_ipv6_and_a_bare_host_with_the_default_port_parse(string text, string host, int port)
    {
        Assert.True(BrokerEndpoint.TryParse(text, 1999, out var endpoint, out var error), error);

        Assert.Equal(new BrokerEndpoint(host, port), endpoint);
        Assert.True(BrokerEndpoint.TryParse(endpoint.ToString(), 1, out var again, out _));
        Assert.Equal(endpoint, again);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("broker:0", "port")]
    [InlineData("broker:65536", "port")]
    [InlineData("broker:", "port")]
    [InlineData("broker:+1883", "port")]
    [InlineData("broker:18 83", "port")]
    [InlineData("mqtt://broker:1883", "URL")]
    [InlineData("fe80::1:1883", "[address]:port")]
    [InlineData("[::1", "']'")]
    [InlineData("[::1]1883", "after ']'")]
    [InlineData("[10.0.0.5]:1883", "not an IPv6")]
    [InlineData("bro ker:1883", "not a host name")]
    public void Malformed_entries_are_refused_with_the_reason(string text, string reason)
    {
        Assert.False(BrokerEndpoint.TryParse(text, 1883, out _, out var error));

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_Hosts_the_list_is_Host_and_Port_and_with_Hosts_a_claim_broker_goes_first_once()
    {
        Assert.Equal([new BrokerEndpoint("127.0.0.1", 1883)], BrokerEndpoints.Configured(new MqttOptions()));
        Assert.Equal([new BrokerEndpoint("b", 1884)], BrokerEndpoints.Configured(new MqttOptions { Host = "b", Port = 1884 }));

        var two = new MqttOptions { Port = 8883, Hosts = ["a", "b:1884"] };
        Assert.Equal([new BrokerEndpoint("a", 8883), new BrokerEndpoint("b", 1884)], BrokerEndpoints.Configured(two));
        Assert.Equal([new BrokerEndpoint("b", 1884), new BrokerEndpoint("a", 8883)], BrokerEndpoints.Named(new BrokerEndpoint("b", 1884), two));
        Assert.Equal([new BrokerEndpoint("claim", 1883)], BrokerEndpoints.Named(new BrokerEndpoint("claim", 1883), new MqttOptions { Host = "ignored" }));
        Assert.Equal(BrokerEndpoints.Configured(two), BrokerEndpoints.Configured(new MqttOptions { Port = 8883, Hosts = ["a:8883", "b:1884"] }));
    }
}
