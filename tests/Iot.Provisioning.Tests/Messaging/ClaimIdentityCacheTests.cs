using Iot.Protocol.Provisioning;
using Iot.Provisioning.Messaging;

namespace Iot.Provisioning.Tests.Messaging;

public sealed class ClaimIdentityCacheTests
{
    private static readonly string Topic = ProvisioningTopics.Request("sn-1");

    [Fact]
    public void Byte_identical_requests_from_two_claims_each_resolve_to_the_claim_that_published_them_in_order()
    {
        var cache = new ClaimIdentityCache();
        var payload = "{\"same\":true}"u8.ToArray();

        cache.Record(Topic, MqttIdentities.ClaimPrefix + "tenant-a-claim", payload);
        cache.Record(Topic, MqttIdentities.ClaimPrefix + "tenant-b-claim", payload);

        Assert.Equal("tenant-a-claim", cache.ClaimIdFor("sn-1", payload));
        Assert.Equal("tenant-b-claim", cache.ClaimIdFor("sn-1", payload));
        Assert.Null(cache.ClaimIdFor("sn-1", payload));
    }

    [Fact]
    public void A_lookup_for_another_serial_or_other_bytes_finds_nothing_and_does_not_consume_the_entry()
    {
        var cache = new ClaimIdentityCache();
        cache.Record(Topic, MqttIdentities.ClaimPrefix + "c1", "abc"u8);

        Assert.Null(cache.ClaimIdFor("sn-2", "abc"u8));
        Assert.Null(cache.ClaimIdFor("sn-1", "abd"u8));
        Assert.Equal("c1", cache.ClaimIdFor("sn-1", "abc"u8));
    }

    [Fact]
    public void Publishers_that_are_not_claims_and_topics_that_are_not_requests_are_not_recorded()
    {
        var cache = new ClaimIdentityCache();
        cache.Record(Topic, "acme.pos-1", "x"u8);
        cache.Record(Topic, null, "x"u8);
        cache.Record(ProvisioningTopics.Response("sn-1"), MqttIdentities.ClaimPrefix + "c1", "x"u8);

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Requests_never_handled_cannot_grow_it_past_its_capacity_and_the_oldest_go_first()
    {
        var cache = new ClaimIdentityCache();
        for (var i = 0; i < ClaimIdentityCache.Capacity + 500; i++)
        {
            cache.Record(Topic, MqttIdentities.ClaimPrefix + "c" + i, BitConverter.GetBytes(i));
        }

        Assert.Equal(ClaimIdentityCache.Capacity, cache.Count);
        Assert.Null(cache.ClaimIdFor("sn-1", BitConverter.GetBytes(0)));
        Assert.Equal("c" + (ClaimIdentityCache.Capacity + 499), cache.ClaimIdFor("sn-1", BitConverter.GetBytes(ClaimIdentityCache.Capacity + 499)));
    }
}
