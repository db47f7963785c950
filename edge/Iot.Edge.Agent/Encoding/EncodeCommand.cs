using Iot.Edge.Audio;
using Iot.Protocol.Audio;

namespace Iot.Edge.Agent.Encoding;

/// <summary>
/// <c>iot-agent encode IN.wav OUT.opus</c>: runs a WAV file through the agent's own encoder. Lets a technician (and
/// the arm64 emulation test) check the codec path on the device without a microphone or a broker.
/// </summary>
internal static class EncodeCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Length != 3)
        {
            await output.WriteLineAsync("usage: iot-agent encode IN.wav OUT.opus").ConfigureAwait(false);
            return 2;
        }

        await using var source = new WavFileSource(args[1], loop: false, realTime: false, TimeProvider.System);
        await using var file = File.Create(args[2]);
        using var writer = new OggOpusWriter(file, new OpusSettings { SampleRate = source.SampleRate }, serial: 1);
        var buffer = new short[source.SampleRate];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            writer.Write(buffer.AsSpan(0, read));
        }

        writer.Finish();
        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"encoded {writer.SampleCount} samples ({(double)writer.SampleCount / source.SampleRate:0.00} s) to {args[2]}: {file.Length} bytes, {(writer.IsNative ? "native libopus" : "managed Concentus")}").ConfigureAwait(false);
        return 0;
    }
}
