using Iot.Edge.Audio;
using Iot.Edge.Agent.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Recording;

internal sealed class ConfiguredAudioSourceFactory(IOptions<AudioOptions> options, TimeProvider time) : IAudioSourceFactory
{
    public IAudioSource Open()
    {
        var o = options.Value;
        return o.Source switch
        {
            "wav" => new WavFileSource(o.WavPath!, o.Loop, o.RealTime, time),
            _ => throw new InvalidOperationException($"{AudioOptions.Section}:Source '{o.Source}' is not supported"),
        };
    }
}
