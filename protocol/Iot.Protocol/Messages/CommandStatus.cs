namespace Iot.Protocol.Messages;

public enum CommandStatus
{
    /// <summary>Received and started; a final status follows for long commands.</summary>
    Accepted,

    Done,

    Failed,

    /// <summary>Not understood or not allowed.</summary>
    Rejected,

    /// <summary>Arrived after its expiry and was not run.</summary>
    Expired,
}
