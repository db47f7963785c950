using System.Diagnostics;
using Iot.Telemetry;
using Microsoft.Extensions.Configuration;

namespace Iot.Protocol.Tests.Telemetry;

public sealed class TraceParentTests
{
    private const string Valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void A_valid_traceparent_becomes_a_remote_parent_with_its_trace_and_span_id()
    {
        var context = TraceParent.Parse(Valid, "vendor=1");

        Assert.NotNull(context);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.Value.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", context.Value.SpanId.ToHexString());
        Assert.True(context.Value.IsRemote);
        Assert.Equal("vendor=1", context.Value.TraceState);
    }

    // A device controls these bytes: anything that is not a W3C traceparent is ignored (the bridge starts a new trace),
    // never an error that could reject or stall the chunk it came with.
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra-bytes-to-make-it-long")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319Z-b7ad6b7169203331-01")]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    public void Anything_else_a_device_sends_is_ignored(string? value)
    {
        Assert.Null(TraceParent.Parse(value, null));
    }

    [Fact]
    public void An_oversized_tracestate_is_dropped_but_the_parent_kept()
    {
        var context = TraceParent.Parse(Valid, "k=" + new string('x', 10_000));

        Assert.NotNull(context);
        Assert.Null(context.Value.TraceState);
    }

    [Fact]
    public void A_detached_span_does_not_become_current_nor_adopt_the_current_one()
    {
        using var source = new ActivitySource("test.detached." + Guid.NewGuid());
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var outer = source.StartActivity("outer");

        using var detached = TraceParent.StartDetached(source, "work", ActivityKind.Producer);

        Assert.NotNull(detached);
        Assert.Same(outer, Activity.Current);
        Assert.NotEqual(outer!.TraceId, detached.TraceId);
        Assert.Equal(detached.Id, TraceParent.Format(detached));
    }

    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1/traces")]
    [InlineData("http://collector:4318/", "http://collector:4318/v1/traces")]
    [InlineData("https://otlp.example.com/tenant-a", "https://otlp.example.com/tenant-a/v1/traces")]
    [InlineData("http://collector:4318/v1/traces", "http://collector:4318/v1/traces")]
    public void The_trace_address_is_the_endpoint_with_the_standard_signal_path(string endpoint, string expected)
    {
        var settings = TelemetrySettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OpenTelemetry:Otlp:Endpoint"] = endpoint }).Build());

        Assert.Equal(expected, settings!.SignalEndpoint("traces").ToString());
    }
}
