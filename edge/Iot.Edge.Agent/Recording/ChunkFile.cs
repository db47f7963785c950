using Iot.Edge.Agent.Encoding;
using Iot.Protocol.Audio;

namespace Iot.Edge.Agent.Recording;

/// <summary>The chunk being recorded: an Ogg Opus file growing in the spool as <c>.partial</c>.</summary>
internal sealed class ChunkFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly OggOpusWriter _writer;

    public ChunkFile(Guid id, string partialPath, DateTimeOffset startedAtUtc, long startSample, string? transactionId, OpusSettings settings, IReadOnlyList<string> comments)
    {
        Id = id;
        StartSample = startSample;
        StartedAtUtc = startedAtUtc;
        TransactionId = transactionId;
        PartialPath = partialPath;
        _stream = new FileStream(partialPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        try
        {
            _writer = new OggOpusWriter(_stream, settings, (uint)id.GetHashCode(), comments);
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public Guid Id { get; }

    public string? Operator { get; init; }

    public DateTimeOffset StartedAtUtc { get; }

    public string? TransactionId { get; }

    /// <summary>Position of the chunk's first sample in the capture stream, for voice-activity bookkeeping.</summary>
    public long StartSample { get; }

    public string PartialPath { get; }

    public long Samples => _writer.SampleCount;

    public int SampleRate => _writer.SampleRate;

    public void Write(ReadOnlySpan<short> pcm) => _writer.Write(pcm);

    /// <summary>Ends the Ogg stream and makes the file durable; returns its length and SHA-256.</summary>
    public (int Length, string Sha256) Seal()
    {
        _writer.Finish();
        _stream.Flush(flushToDisk: true);
        _stream.Position = 0;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_stream));
        var length = checked((int)_stream.Length);
        Dispose();
        return (length, hash);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    /// <summary>Gives up on this chunk (the disk refused it): close and remove what was written.</summary>
    public void Discard()
    {
        Dispose();
        try
        {
            File.Delete(PartialPath);
        }
        catch (IOException)
        {
            // Startup recovery removes leftover partial files.
        }
    }
}
