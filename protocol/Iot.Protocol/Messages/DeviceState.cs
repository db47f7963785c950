namespace Iot.Protocol.Messages;

public enum DeviceState
{
    Online,
    Offline,
}
