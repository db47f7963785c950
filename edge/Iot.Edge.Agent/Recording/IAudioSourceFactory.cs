using Iot.Edge.Audio;

namespace Iot.Edge.Agent.Recording;

public interface IAudioSourceFactory
{
    IAudioSource Open();
}
