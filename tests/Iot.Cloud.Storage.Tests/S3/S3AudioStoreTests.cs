using Amazon.S3.Model;
using Iot.Cloud.Storage.S3;
using Iot.TestSupport.ObjectStore;
using Xunit.Abstractions;

namespace Iot.Cloud.Storage.Tests.S3;

/// <summary>The contract and the S3 specifics against a real Ceph radosgw (<see cref="CephS3"/>).</summary>
public sealed class S3AudioStoreTests(ITestOutputHelper output) : AudioStoreContract
{
    protected override async Task<IAudioStore> StoreAsync()
    {
        var ceph = await CephS3.SharedAsync();
        output.WriteLine($"ceph radosgw {ceph.Endpoint} (cluster start took {ceph.StartedInMs} ms)");
        var bucket = await ceph.CreateBucketAsync(GetType().Name);
        return new S3AudioStore(ceph.Client(), ceph.Options(bucket), "Storage");
    }

    [Fact]
    public async Task Objects_go_below_the_configured_prefix_carry_their_sha256_and_list_without_the_prefix()
    {
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("prefix");
        using var store = new S3AudioStore(ceph.Client(), ceph.Options(bucket, prefix: "site-a/"), "Storage");
        var key = Key();
        var (bytes, sha) = Content(2_000, 8);

        await store.PutAsync(key, bytes, sha, CancellationToken.None);

        Assert.Equal(["site-a/" + key], await ceph.KeysAsync(bucket));
        using var client = ceph.Client();
        var head = await client.GetObjectMetadataAsync(bucket, "site-a/" + key);
        Assert.Equal(sha, head.Metadata[S3AudioStore.Sha256Metadata]);
        Assert.Equal([key], (await ListAsync(store, "recordings/")).Select(o => o.Key));
    }

    [Fact]
    public async Task An_object_stored_without_a_hash_is_compared_by_its_bytes()
    {
        // A migration tool or an operator's copy may not set x-amz-meta-sha256; a resend must still be recognised.
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("nohash");
        using var store = new S3AudioStore(ceph.Client(), ceph.Options(bucket), "Storage");
        var key = Key();
        var (bytes, sha) = Content(5_000, 9);
        var (_, otherSha) = Content(5_000, 10);
        using (var client = ceph.Client())
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) });
        }

        Assert.Equal(PutOutcome.AlreadyPresent, await store.PutAsync(key, bytes, sha, CancellationToken.None));
        Assert.Equal(PutOutcome.Conflict, await store.PutAsync(key, bytes, otherSha, CancellationToken.None));
    }

    [Fact]
    public async Task The_server_refuses_a_create_only_put_over_an_existing_object()
    {
        // The race guard rests on radosgw honouring If-None-Match: * on PUT; this pins that it does.
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("ifnonematch");
        using var client = ceph.Client();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first" });

        var ex = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() =>
            client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second", IfNoneMatch = "*" }));

        Assert.Equal(System.Net.HttpStatusCode.PreconditionFailed, ex.StatusCode);
        using var stored = await client.GetObjectAsync(bucket, "k");
        Assert.Equal("first", await new StreamReader(stored.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_missing_bucket_fails_the_probe_naming_the_bucket_key()
    {
        var ceph = await CephS3.SharedAsync();
        using var store = new S3AudioStore(ceph.Client(), ceph.Options("no-such-bucket-" + Guid.NewGuid().ToString("n")[..8]), "Storage");

        var ex = await Assert.ThrowsAsync<AudioStoreUnavailableException>(() => store.ProbeAsync(CancellationToken.None));

        Assert.Contains("Storage:S3:Bucket", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_fails_the_probe_naming_the_credential_keys()
    {
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("badsecret");
        var options = ceph.Options(bucket);
        options.SecretKey = "wrong" + options.SecretKey[5..];
        using var store = new S3AudioStore(S3Clients.Create(options), options, "Pipeline:Storage");

        var ex = await Assert.ThrowsAsync<AudioStoreUnavailableException>(() => store.ProbeAsync(CancellationToken.None));

        Assert.Contains("Pipeline:Storage:S3:SecretKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_fails_the_probe_naming_the_url_key()
    {
        var ceph = await CephS3.SharedAsync();
        var options = ceph.Options("any-bucket");
        options.ServiceUrl = $"http://127.0.0.1:{Iot.TestSupport.FreePort.Next()}";
        options.MaxRetries = 0;
        options.TimeoutSeconds = 5;
        using var store = new S3AudioStore(S3Clients.Create(options), options, "Storage");

        var ex = await Assert.ThrowsAsync<AudioStoreUnavailableException>(() => store.ProbeAsync(CancellationToken.None));

        Assert.Contains("Storage:S3:ServiceUrl", ex.Message, StringComparison.Ordinal);
    }
}
