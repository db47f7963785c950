using Iot.Edge.Agent.Recording;
using Iot.Edge.Audio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Iot.Bench.Edge;

/// <summary>
/// Wraps the agent's configured source to note when the recorder reads its first block, i.e. when start-up (DI,
/// options, LiteDB, ONNX session) is over, so steady-state speed can be told apart from start-up cost.
/// </summary>
internal sealed class FirstReadClock
{
    private Measurement.Stamp? _firstRead;

    public Measurement.Stamp FirstRead => _firstRead ?? throw new InvalidOperationException("the recorder never read audio");

    public static FirstReadClock Decorate(IServiceCollection services)
    {
        var clock = new FirstReadClock();
        services.Replace(ServiceDescriptor.Singleton<IAudioSourceFactory>(sp =>
            new Factory(ActivatorUtilities.CreateInstance<ConfiguredAudioSourceFactory>(sp), clock)));
        return clock;
    }

    private sealed class Factory(IAudioSourceFactory inner, FirstReadClock clock) : IAudioSourceFactory
    {
        public IAudioSource Open() => new Source(inner.Open(), clock);
    }

    private sealed class Source(IAudioSource inner, FirstReadClock clock) : IAudioSource
    {
        public int SampleRate => inner.SampleRate;

        public string Name => inner.Name;

        public int Generation => inner.Generation;

        public ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken)
        {
            clock._firstRead ??= Measurement.Now();
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
