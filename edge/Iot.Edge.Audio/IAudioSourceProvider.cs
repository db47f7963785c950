namespace Iot.Edge.Audio;

/// <summary>A capture back-end the agent can be configured to use (<c>Audio:Source</c> = <see cref="Name"/>).</summary>
public interface IAudioSourceProvider
{
    string Name { get; }

    /// <summary>Why this back-end cannot run here (wrong OS), or null when it can.</summary>
    string? Unavailable { get; }

    IAudioSource Open();
}

/// <summary>Adapts a factory method; lets the host wire platform projects without them knowing the host.</summary>
public sealed class AudioSourceProvider(string name, Func<IAudioSource> open, string? unavailable = null) : IAudioSourceProvider
{
    public string Name => name;

    public string? Unavailable => unavailable;

    public IAudioSource Open() => open();
}
