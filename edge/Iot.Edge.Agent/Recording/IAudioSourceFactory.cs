using Iot.Edge.Agent.Audio;

namespace Iot.Edge.Agent.Recording;

public interface IAudioSourceFactory
{
    IAudioSource Open();
}
