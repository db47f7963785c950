using Iot.Edge.Agent.Hosting;
using Iot.Edge.Audio;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Recording;

/// <summary>Opens the back-end named by <c>Audio:Source</c>: the built-in WAV player or a registered platform capture.</summary>
internal sealed class ConfiguredAudioSourceFactory(IOptions<AudioOptions> options, IEnumerable<IAudioSourceProvider> providers, TimeProvider time) : IAudioSourceFactory
{
    public IAudioSource Open()
    {
        var o = options.Value;
        if (o.Source == AudioOptions.WavSource)
        {
            return new WavFileSource(o.WavPath!, o.Loop, o.RealTime, time);
        }

        var provider = providers.FirstOrDefault(p => p.Name == o.Source)
            ?? throw new InvalidOperationException($"{AudioOptions.Section}:Source '{o.Source}' is not supported");
        return provider.Open();
    }
}
