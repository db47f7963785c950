namespace Iot.Edge.Audio;

/// <summary>
/// A capture device as the platform lists it. <see cref="Id"/> is the identity that survives unplugging and
/// re-enumeration (ALSA card id such as <c>Device</c> or <c>U0x46d0x825</c>, WASAPI endpoint id), never an index.
/// </summary>
public sealed record AudioDeviceInfo(string Id, string Name, bool IsUsb, string OpenName);
