namespace Iot.Edge.Audio;

public enum MicState
{
    /// <summary>No usable microphone right now; the agent keeps uploading its backlog and retries.</summary>
    Missing,

    /// <summary>Opened, samples not flowing yet.</summary>
    Present,

    Streaming,
}
