using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>Canonical 44-byte-header PCM WAV, the one container every external recogniser reads.</summary>
internal static class WavFile
{
    public static byte[] Encode(DialogueAudio audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var data = MemoryMarshal.AsBytes(audio.Pcm.Span);
        var bytes = new byte[44 + data.Length];
        var h = bytes.AsSpan();
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], 36 + data.Length);
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(h[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], audio.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(h[28..], audio.SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(h[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(h[40..], data.Length);
        data.CopyTo(h[44..]);
        return bytes;
    }
}
