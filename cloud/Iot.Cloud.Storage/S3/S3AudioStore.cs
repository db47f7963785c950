using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Iot.Cloud.Storage.S3;

/// <summary>
/// Audio as objects in an S3-compatible bucket. A put is create-only: a HEAD first (a resend of a stored chunk costs
/// no upload), then a PUT with <c>If-None-Match: *</c> so that two writers racing for one key cannot overwrite each
/// other; the loser compares hashes like a resend. Each object carries its SHA-256 as metadata and its MD5 as
/// Content-MD5, so the server rejects bytes damaged on the way. A PUT is acknowledged only once stored, so
/// <see cref="MakeDurable"/> has nothing to do.
/// </summary>
public sealed class S3AudioStore(IAmazonS3 client, S3StoreOptions options, string section) : IAudioStore, IDisposable
{
    /// <summary>User metadata (<c>x-amz-meta-sha256</c>): lets a resend be recognised without reading the object back.</summary>
    public const string Sha256Metadata = "sha256";

    private readonly string _bucket = options.Bucket;
    private readonly string _prefix = options.Prefix;

    public string Location => $"s3 {(string.IsNullOrEmpty(options.ServiceUrl) ? "aws " + options.Region : options.ServiceUrl)} bucket '{_bucket}'"
        + (_prefix.Length > 0 ? $" prefix '{_prefix}'" : "");

    /// <summary>The object key behind a store key (the configured prefix in front).</summary>
    public string ObjectKey(string key) => _prefix + AudioKeys.Require(key);

    public Task<PutOutcome> PutAsync(string key, ReadOnlyMemory<byte> content, string sha256, CancellationToken cancellationToken)
    {
        var stream = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        return PutAsync(key, stream, sha256, cancellationToken);
    }

    public async Task<PutOutcome> PutAsync(string key, Stream content, string sha256, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sha256);
        var objectKey = ObjectKey(key);
        if (await StoredHashAsync(objectKey, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return Compare(existing, sha256);
        }

        // Content-MD5 needs the bytes up front; a stream that cannot seek is buffered (chunks are small).
        var body = content.CanSeek ? content : await BufferAsync(content, cancellationToken).ConfigureAwait(false);
        var start = body.Position;
        var md5 = Convert.ToBase64String(await MD5.HashDataAsync(body, cancellationToken).ConfigureAwait(false));
        body.Position = start;
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = objectKey,
            InputStream = body,
            AutoCloseStream = false,
            MD5Digest = md5,
            ContentType = "audio/ogg",
            IfNoneMatch = "*",
        };
        request.Metadata[Sha256Metadata] = sha256.ToLowerInvariant();
        try
        {
            await client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return PutOutcome.Written;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            // Another writer stored this key between the HEAD and the PUT.
            var stored = await StoredHashAsync(objectKey, cancellationToken).ConfigureAwait(false)
                ?? throw new IOException($"S3 refused a create-only PUT of '{objectKey}' ({ex.StatusCode}) but holds no such object", ex);
            return Compare(stored, sha256);
        }
        finally
        {
            if (!ReferenceEquals(body, content))
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public void MakeDurable(IEnumerable<string> keys)
    {
    }

    public async Task<AudioObject?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var head = await HeadAsync(ObjectKey(key), cancellationToken).ConfigureAwait(false);
        return head is null ? null : new AudioObject(key, head.ContentLength, LastModified(head.LastModified));
    }

    public async Task<Stream?> OpenReadAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        range?.Validate();
        var request = new GetObjectRequest { BucketName = _bucket, Key = ObjectKey(key) };
        if (range is { } r)
        {
            request.ByteRange = r.Length is { } length
                ? new Amazon.S3.Model.ByteRange(r.Offset, r.Offset + length - 1)
                : new Amazon.S3.Model.ByteRange($"bytes={r.Offset}-");
        }

        try
        {
            var response = await client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // A range starting at or past the end: nothing to read, as a file read there would return.
            return await GetAsync(key, cancellationToken).ConfigureAwait(false) is null ? null : new MemoryStream([], writable: false);
        }
    }

    public async Task<AudioObject?> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        var head = await HeadAsync(objectKey, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = objectKey }, cancellationToken).ConfigureAwait(false);
        return new AudioObject(key, head.ContentLength, LastModified(head.LastModified));
    }

    public async IAsyncEnumerable<AudioObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + AudioKeys.RequirePrefix(prefix) };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                yield return new AudioObject(o.Key[_prefix.Length..], o.Size ?? 0, LastModified(o.LastModified));
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public Task ProbeAsync(CancellationToken cancellationToken)
    {
        // Write and delete a tiny object: proves the endpoint, the credentials, the bucket and write permission at once.
        // A body-less HEAD of the bucket goes first: radosgw answers a refused PUT before reading its body, then takes
        // the unread body for the next request on that keep-alive connection and fails that one too (400 "bad method").
        var probe = $"{_prefix}.health-probe/{Environment.ProcessId}-{Guid.NewGuid():N}";
        return ProbeWithAsync("written", async () =>
        {
            await client.HeadBucketAsync(new HeadBucketRequest { BucketName = _bucket }, cancellationToken).ConfigureAwait(false);
            await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = probe, ContentBody = "1" }, cancellationToken).ConfigureAwait(false);
            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = probe }, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task ProbeReadAsync(CancellationToken cancellationToken) =>
        // One listing page of at most one key: proves the endpoint, the credentials, the bucket and read access, and
        // needs no write permission (a reader such as the dashboard may hold read-only keys).
        ProbeWithAsync("read", () => client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + "recordings/", MaxKeys = 1 }, cancellationToken), cancellationToken);

    private async Task ProbeWithAsync(string what, Func<Task> probe, CancellationToken cancellationToken)
    {
        try
        {
            await probe().ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket" || ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new AudioStoreUnavailableException($"bucket '{_bucket}' does not exist ({section}:S3:Bucket)", ex);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new AudioStoreUnavailableException(
                $"{Location} refused the credentials or the access ({ex.ErrorCode}: {ex.Message}); check {section}:S3:AccessKey and {section}:S3:SecretKey", ex);
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or IOException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AudioStoreUnavailableException($"{Location} cannot be {what} ({ex.GetType().Name}: {ex.Message}); check {section}:S3:ServiceUrl", ex);
        }
    }

    public void Dispose() => client.Dispose();

    private static PutOutcome Compare(string stored, string sha256) =>
        string.Equals(stored, sha256, StringComparison.OrdinalIgnoreCase) ? PutOutcome.AlreadyPresent : PutOutcome.Conflict;

    /// <summary>The stored object's SHA-256, or null when there is no object. Objects without the metadata are read and hashed.</summary>
    private async Task<string?> StoredHashAsync(string objectKey, CancellationToken cancellationToken)
    {
        var head = await HeadAsync(objectKey, cancellationToken).ConfigureAwait(false);
        if (head is null)
        {
            return null;
        }

        if (head.Metadata[Sha256Metadata] is { Length: 64 } recorded)
        {
            return recorded;
        }

        using var response = await client.GetObjectAsync(_bucket, objectKey, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(response.ResponseStream, cancellationToken).ConfigureAwait(false));
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string objectKey, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = objectKey }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<MemoryStream> BufferAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return buffer;
    }

    private static DateTimeOffset LastModified(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : v, DateTimeKind.Utc)) : DateTimeOffset.MinValue;
}
