namespace Iot.Protocol.Provisioning;

public sealed record DeviceCapabilities(bool Microphone, bool Gpio);
