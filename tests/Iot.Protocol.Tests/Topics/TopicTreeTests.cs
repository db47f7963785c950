using Iot.Protocol.Topics;

namespace Iot.Protocol.Tests.Topics;

public class TopicTreeTests
{
    [Theory]
    [InlineData(TopicKind.Chunk, "iot/v1/acme/pos-1/chunk")]
    [InlineData(TopicKind.Ack, "iot/v1/acme/pos-1/ack")]
    [InlineData(TopicKind.Status, "iot/v1/acme/pos-1/status")]
    [InlineData(TopicKind.Telemetry, "iot/v1/acme/pos-1/telemetry")]
    [InlineData(TopicKind.Cmd, "iot/v1/acme/pos-1/cmd")]
    [InlineData(TopicKind.Config, "iot/v1/acme/pos-1/config")]
    [InlineData(TopicKind.Reported, "iot/v1/acme/pos-1/reported")]
    [InlineData(TopicKind.CmdResult, "iot/v1/acme/pos-1/cmdresult")]
    public void Every_topic_kind_builds_and_parses_back(TopicKind kind, string expected)
    {
        var topic = TopicTree.For("acme", "pos-1", kind);

        Assert.Equal(expected, topic);
        Assert.True(TopicTree.TryParse(topic, out var parsed));
        Assert.Equal(new DeviceTopic("acme", "pos-1", kind), parsed);
    }

    [Theory]
    [InlineData("iot/v2/acme/pos-1/chunk")]
    [InlineData("iot/v1/acme/pos-1/chunk/extra")]
    [InlineData("iot/v1/acme/chunk")]
    [InlineData("iot/v1/ACME/pos-1/chunk")]
    [InlineData("iot/v1/acme/+/chunk")]
    [InlineData("iot/v1/acme/#")]
    [InlineData("iot/v1/acme/pos-1/unknown")]
    [InlineData("iot/v1//pos-1/chunk")]
    [InlineData("")]
    [InlineData(null)]
    public void Topics_outside_the_tree_do_not_parse(string? topic)
    {
        Assert.False(TopicTree.TryParse(topic, out _));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("-lead")]
    [InlineData("Upper")]
    [InlineData("")]
    public void Building_a_topic_from_an_unsafe_id_throws(string id)
    {
        Assert.Throws<ArgumentException>(() => TopicTree.Chunk(id, "pos-1"));
        Assert.Throws<ArgumentException>(() => TopicTree.Chunk("acme", id));
    }

    [Fact]
    public void Ids_longer_than_64_characters_are_refused()
    {
        Assert.True(TopicTree.IsValidId(new string('a', 64)));
        Assert.False(TopicTree.IsValidId(new string('a', 65)));
    }

    [Fact]
    public void Shared_subscription_wraps_the_filter_with_the_group()
    {
        Assert.Equal("$share/bridge/iot/v1/+/+/chunk", TopicTree.Shared("bridge", TopicTree.AllChunks));
    }
}
