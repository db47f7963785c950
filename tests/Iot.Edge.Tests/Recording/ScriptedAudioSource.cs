using System.Threading.Channels;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Audio;

namespace Iot.Edge.Tests.Recording;

/// <summary>A microphone the test feeds block by block; <see cref="PushAsync"/> returns once the recorder has handled the block.</summary>
internal sealed class ScriptedAudioSource : IAudioSource, IAudioSourceFactory
{
    private readonly Channel<short[]> _blocks = Channel.CreateUnbounded<short[]>();
    private readonly SemaphoreSlim _handled = new(0);
    private bool _first = true;

    public int SampleRate => 16000;

    public string Name => "scripted";

    public int Generation { get; set; } = 1;

    public IAudioSource Open() => this;

    public async Task PushAsync(short[] block)
    {
        await _blocks.Writer.WriteAsync(block);
        await _handled.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void End() => _blocks.Writer.TryComplete();

    public async ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken)
    {
        // Being asked for the next block means the previous one went all the way through the recorder.
        if (!_first)
        {
            _handled.Release();
        }

        _first = false;
        if (!await _blocks.Reader.WaitToReadAsync(cancellationToken))
        {
            return 0;
        }

        var block = await _blocks.Reader.ReadAsync(cancellationToken);
        block.CopyTo(buffer);
        return block.Length;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
