namespace Iot.Edge.Agent.Recording;

public enum UploadMode
{
    /// <summary>Audio leaves the device only for chunks with detected speech; the rest is reported as metadata.</summary>
    SpeechOnly,

    /// <summary>Every chunk's audio is uploaded.</summary>
    Continuous,
}
