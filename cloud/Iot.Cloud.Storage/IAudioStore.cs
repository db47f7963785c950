namespace Iot.Cloud.Storage;

/// <summary>
/// Where recorded audio lives, addressed by key: the chunk's <c>storage_path</c> (<c>recordings/YYYY-MM-DD/{device}/{name}.opus</c>,
/// always with '/'). Keys are deterministic, so the same chunk always lands on the same key and a second put of it is
/// recognised instead of written twice. Nothing already stored is ever overwritten.
/// </summary>
public interface IAudioStore
{
    /// <summary>Where the audio goes, for logs and health reports (never a secret).</summary>
    string Location { get; }

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/> unless something is there already, in which case
    /// its SHA-256 decides between <see cref="PutOutcome.AlreadyPresent"/> and <see cref="PutOutcome.Conflict"/>.
    /// A <see cref="PutOutcome.Written"/> object is durable once <see cref="MakeDurable"/> has returned for its key.
    /// </summary>
    Task<PutOutcome> PutAsync(string key, ReadOnlyMemory<byte> content, string sha256, CancellationToken cancellationToken);

    /// <summary>As the other overload, for content read from a stream (a migration, a large export).</summary>
    Task<PutOutcome> PutAsync(string key, Stream content, string sha256, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the puts that returned <see cref="PutOutcome.Written"/> for these keys durable; to be called before
    /// anything that depends on them (a row, an ack) is committed. One call per batch lets the local store sync each
    /// directory once; an object store has nothing left to do (a PUT is acknowledged only once stored).
    /// </summary>
    void MakeDurable(IEnumerable<string> keys);

    /// <summary>Size and time of the object, or null when there is none.</summary>
    Task<AudioObject?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// The object's bytes, or the <paramref name="range"/> of them (clipped to its end), or null when there is no
    /// such object. The caller disposes the stream.
    /// </summary>
    Task<Stream?> OpenReadAsync(string key, ByteRange? range, CancellationToken cancellationToken);

    /// <summary>Deletes the object; returns what was deleted, or null when there was nothing to delete.</summary>
    Task<AudioObject?> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in no particular order (for sweeps).</summary>
    IAsyncEnumerable<AudioObject> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="AudioStoreUnavailableException"/> unless the store can be written right now.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Throws <see cref="AudioStoreUnavailableException"/> unless the store can be read right now; needs no write
    /// permission (for processes that only read audio, such as the dashboard).
    /// </summary>
    Task ProbeReadAsync(CancellationToken cancellationToken);
}

public enum PutOutcome
{
    Written,

    /// <summary>The same bytes were already stored (a replay, or a crash after the put and before the ack).</summary>
    AlreadyPresent,

    /// <summary>Different bytes already live under this key; nothing was overwritten.</summary>
    Conflict,
}

public sealed record AudioObject(string Key, long Length, DateTimeOffset LastModifiedUtc);

/// <summary>Bytes from <see cref="Offset"/>, <see cref="Length"/> of them (null = to the end).</summary>
public readonly record struct ByteRange(long Offset, long? Length)
{
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Offset);
        if (Length is { } length)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        }
    }
}

/// <summary>The store cannot be reached or written; the message says why and names the setting to check.</summary>
public sealed class AudioStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
