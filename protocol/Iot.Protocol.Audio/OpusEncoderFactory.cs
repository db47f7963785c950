using Concentus;
using Concentus.Enums;

namespace Iot.Protocol.Audio;

internal static class OpusEncoderFactory
{
    private static readonly Lock NativeSwitch = new();

    public static IOpusEncoder Create(OpusSettings settings)
    {
        IOpusEncoder encoder;
        // Concentus decides native vs managed through a static flag; hold it only while creating.
        lock (NativeSwitch)
        {
            var previous = OpusCodecFactory.AttemptToUseNativeLibrary;
            OpusCodecFactory.AttemptToUseNativeLibrary = settings.AllowNative;
            try
            {
                encoder = OpusCodecFactory.CreateEncoder(settings.SampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
            }
            finally
            {
                OpusCodecFactory.AttemptToUseNativeLibrary = previous;
            }
        }

        encoder.Bitrate = settings.BitrateBps;
        encoder.Complexity = settings.Complexity;
        encoder.SignalType = settings.Signal switch
        {
            OpusSignalHint.Voice => OpusSignal.OPUS_SIGNAL_VOICE,
            OpusSignalHint.Auto => OpusSignal.OPUS_SIGNAL_AUTO,
            _ => OpusSignal.OPUS_SIGNAL_MUSIC,
        };
        encoder.UseVBR = true;
        return encoder;
    }

    public static bool IsNative(IOpusEncoder encoder) => encoder.GetType().Namespace == "Concentus.Native";
}
