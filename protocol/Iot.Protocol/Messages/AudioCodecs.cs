namespace Iot.Protocol.Messages;

public static class AudioCodecs
{
    /// <summary>Opus in an Ogg container (RFC 7845).</summary>
    public const string OggOpus = "ogg/opus";

    public static readonly IReadOnlySet<int> SampleRates = new HashSet<int> { 8000, 12000, 16000, 24000, 48000 };
}
