namespace Iot.Edge.Audio;

public sealed class WavFormatException(string path, string problem)
    : Exception($"'{path}' is not a usable WAV file: {problem}. Convert it with: sox in.wav -r 16000 -c 1 -b 16 out.wav");
