namespace Iot.Edge.Windows.Tests;

/// <summary>Endpoints as a real Windows 11 PC lists them (ids and property values copied in shape, not invented formats).</summary>
internal static class Endpoints
{
    public static readonly FakeWasapiCatalog.Endpoint Builtin = new(
        "{0.0.1.00000000}.{8a1f3c52-3b0e-4c1d-9a77-2f5e3d4c1b01}",
        "Microphone Array (Realtek(R) Audio)",
        "HDAUDIO",
        @"{1}.HDAUDIO\FUNC_01&VEN_10EC&DEV_0256&SUBSYS_103C8724&REV_1000\4&1a2b3c4d&0&0001");

    public static readonly FakeWasapiCatalog.Endpoint DeskMic = new(
        "{0.0.1.00000000}.{c4e2a9d0-71f3-4b8e-a6d2-0b9e5f3a7c12}",
        "Microphone (USB PnP Sound Device)",
        "USB",
        @"{1}.USB\VID_0D8C&PID_0014&MI_00\7&2f5e2c7a&0&0000");

    public static readonly FakeWasapiCatalog.Endpoint Webcam = new(
        "{0.0.1.00000000}.{5b7d1e88-2c4a-4f19-8e3b-6d0a9c2f4e23}",
        "Microphone (HD Pro Webcam C920)",
        null,
        @"{1}.USB\VID_046D&PID_082D&MI_02\6&3a9b1f2&0&0002");

    public static readonly FakeWasapiCatalog.Endpoint Headset = new(
        "{0.0.1.00000000}.{e1f0b3c7-9d24-4a6b-b5c8-7e2d1a0f9b34}",
        "Headset (WH-1000XM4 Hands-Free AG Audio)",
        "BTHENUM",
        @"{1}.BTHENUM\{0000111e-0000-1000-8000-00805f9b34fb}_VID&0001054c_PID&0d58\7&1c2d3e4f&0&38184c_C00000000");
}
