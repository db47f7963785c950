using System.Runtime.InteropServices;
using Iot.Edge.Capture.Windows;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Windows.Tests;

public class CaptureApiFallbackTests
{
    private const int AudclntEDeviceInUse = unchecked((int)0x8889000A);
    private const int AudclntEUnsupportedFormat = unchecked((int)0x88890008);
    private const int AudclntEDeviceInvalidated = unchecked((int)0x88890004);
    private const int ENotFound = unchecked((int)0x80070490);

    private static readonly CaptureFormat Mix = new(48000, 2, SampleEncoding.Float32);
    private readonly FakeTimeProvider _time = new();
    private readonly List<Exception> _fellBack = [];

    [Theory]
    [InlineData(AudclntEDeviceInUse)]
    [InlineData(AudclntEUnsupportedFormat)]
    public async Task When_wasapi_cannot_start_the_same_microphone_is_recorded_through_winmm(int hresult)
    {
        var wasapi = new FakeCaptureDevice(Mix, "wasapi", new COMException("WASAPI refused", hresult));
        var winMm = new FakeCaptureDevice(CaptureFormat.Mono16(16000), "winmm");

        await using var source = Open(() => wasapi, () => winMm);

        Assert.Equal("winmm", source.Api);
        Assert.True(wasapi.Disposed);
        Assert.Equal(hresult, Assert.Single(_fellBack).HResult);
        winMm.PushInPackets(Signals.Mono16(Enumerable.Repeat((short)9, 320)));
        Assert.Equal(320, await source.ReadAsync(new short[320], CancellationToken.None));
    }

    [Fact]
    public async Task When_wasapi_activation_itself_throws_winmm_is_used()
    {
        var winMm = new FakeCaptureDevice(CaptureFormat.Mono16(16000), "winmm");

        await using var source = Open(() => throw new InvalidCastException("MMDeviceEnumerator unavailable"), () => winMm);

        Assert.Equal("winmm", source.Api);
    }

    [Fact]
    public async Task A_working_wasapi_device_is_used_without_touching_winmm()
    {
        var opened = false;

        await using var source = Open(() => new FakeCaptureDevice(Mix), () => { opened = true; return new FakeCaptureDevice(Mix, "winmm"); });

        Assert.Equal("wasapi", source.Api);
        Assert.False(opened);
        Assert.Empty(_fellBack);
    }

    [Theory]
    [InlineData(AudclntEDeviceInvalidated)]
    [InlineData(ENotFound)]
    public void An_unplugged_endpoint_is_waited_for_not_replaced_by_winmm(int hresult)
    {
        var opened = false;

        Assert.Throws<IOException>(() => Open(
            () => new FakeCaptureDevice(Mix, "wasapi", new COMException("gone", hresult)),
            () => { opened = true; return new FakeCaptureDevice(Mix, "winmm"); }));

        Assert.False(opened);
    }

    [Fact]
    public void When_both_apis_fail_the_error_names_both_and_is_retryable()
    {
        var error = Assert.Throws<IOException>(() => Open(
            () => new FakeCaptureDevice(Mix, "wasapi", new COMException("exclusive use", AudclntEDeviceInUse)),
            () => throw new IOException("no WinMM capture device is named 'Mic'")));

        Assert.Contains("exclusive use", error.Message, StringComparison.Ordinal);
        Assert.Contains("no WinMM capture device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bug_is_not_hidden_behind_the_fallback()
    {
        Assert.Throws<ArgumentException>(() => Open(() => throw new ArgumentException("bad endpoint id"), () => new FakeCaptureDevice(Mix, "winmm")));
        Assert.Empty(_fellBack);
    }

    private CapturedAudioSource Open(Func<ICaptureDevice> wasapi, Func<ICaptureDevice> winMm) =>
        CaptureApiFallback.Open(wasapi, winMm, d => CapturedAudioSource.Start(d, "Mic (" + d.Api + ")", 16000, _time), _fellBack.Add);
}
