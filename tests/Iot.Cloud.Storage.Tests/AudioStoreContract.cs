using System.Security.Cryptography;

namespace Iot.Cloud.Storage.Tests;

/// <summary>
/// What every <see cref="IAudioStore"/> must do, run against each implementation on its real backend (a directory;
/// the Ceph radosgw the tests start). The bridge, the workers and the dashboard rely on exactly these behaviours.
/// </summary>
public abstract class AudioStoreContract
{
    protected abstract Task<IAudioStore> StoreAsync();

    protected static (byte[] Bytes, string Sha256) Content(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    protected static string Key(string device = "pos-1") => $"recordings/2026-03-01/{device}/{Guid.NewGuid():n}.opus";

    protected static async Task<byte[]> ReadAllAsync(Stream? stream)
    {
        Assert.NotNull(stream);
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task A_put_object_reads_back_whole_and_by_byte_range_and_is_gone_after_delete()
    {
        var store = await StoreAsync();
        var key = Key();
        var (bytes, sha) = Content(70_001, 1);

        Assert.Equal(PutOutcome.Written, await store.PutAsync(key, bytes, sha, CancellationToken.None));
        store.MakeDurable([key]);

        var info = await store.GetAsync(key, CancellationToken.None);
        Assert.NotNull(info);
        Assert.Equal(bytes.Length, info.Length);
        Assert.Equal(key, info.Key);
        Assert.Equal(bytes, await ReadAllAsync(await store.OpenReadAsync(key, null, CancellationToken.None)));
        Assert.Equal(bytes[1000..1500], await ReadAllAsync(await store.OpenReadAsync(key, new ByteRange(1000, 500), CancellationToken.None)));
        Assert.Equal(bytes[70_000..], await ReadAllAsync(await store.OpenReadAsync(key, new ByteRange(70_000, null), CancellationToken.None)));
        // A range running past the end is clipped, one starting past it is empty: what a player asking for more gets.
        Assert.Equal(bytes[69_990..], await ReadAllAsync(await store.OpenReadAsync(key, new ByteRange(69_990, 100), CancellationToken.None)));
        Assert.Empty(await ReadAllAsync(await store.OpenReadAsync(key, new ByteRange(80_000, 10), CancellationToken.None)));

        var deleted = await store.DeleteAsync(key, CancellationToken.None);
        Assert.Equal(bytes.Length, deleted?.Length);
        Assert.Null(await store.GetAsync(key, CancellationToken.None));
        Assert.Null(await store.OpenReadAsync(key, null, CancellationToken.None));
        Assert.Null(await store.DeleteAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_resend_of_the_same_bytes_is_already_present_and_leaves_one_unchanged_object()
    {
        var store = await StoreAsync();
        var key = Key();
        var (bytes, sha) = Content(4_000, 2);
        Assert.Equal(PutOutcome.Written, await store.PutAsync(key, bytes, sha, CancellationToken.None));
        var first = await store.GetAsync(key, CancellationToken.None);

        Assert.Equal(PutOutcome.AlreadyPresent, await store.PutAsync(key, bytes, sha, CancellationToken.None));
        Assert.Equal(PutOutcome.AlreadyPresent, await store.PutAsync(key, new MemoryStream(bytes), sha.ToUpperInvariant(), CancellationToken.None));

        var listed = await ListAsync(store, key);
        Assert.Equal([key], listed.Select(o => o.Key));
        Assert.Equal(first, await store.GetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Different_bytes_under_a_stored_key_are_a_conflict_and_the_stored_bytes_stay()
    {
        var store = await StoreAsync();
        var key = Key();
        var (bytes, sha) = Content(3_000, 3);
        var (other, otherSha) = Content(3_000, 4);
        Assert.Equal(PutOutcome.Written, await store.PutAsync(key, bytes, sha, CancellationToken.None));

        Assert.Equal(PutOutcome.Conflict, await store.PutAsync(key, other, otherSha, CancellationToken.None));

        Assert.Equal(bytes, await ReadAllAsync(await store.OpenReadAsync(key, null, CancellationToken.None)));
    }

    [Fact]
    public async Task Writers_racing_for_one_key_store_it_once_and_each_learns_the_outcome()
    {
        var store = await StoreAsync();
        var key = Key();
        var (bytes, sha) = Content(50_000, 5);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.PutAsync(key, bytes, sha, CancellationToken.None))));

        Assert.Equal(1, outcomes.Count(o => o == PutOutcome.Written));
        Assert.Equal(7, outcomes.Count(o => o == PutOutcome.AlreadyPresent));
        Assert.Equal(bytes, await ReadAllAsync(await store.OpenReadAsync(key, null, CancellationToken.None)));
    }

    [Fact]
    public async Task Listing_by_prefix_returns_exactly_the_objects_below_it()
    {
        var store = await StoreAsync();
        var device = "dev-" + Guid.NewGuid().ToString("n")[..8];
        var mine = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var key = Key(device);
            var (bytes, sha) = Content(100 + i, 10 + i);
            await store.PutAsync(key, bytes, sha, CancellationToken.None);
            mine.Add(key);
        }

        var (otherBytes, otherSha) = Content(10, 20);
        await store.PutAsync(Key(device + "x"), otherBytes, otherSha, CancellationToken.None);

        var listed = await ListAsync(store, $"recordings/2026-03-01/{device}/");
        Assert.Equal(mine.Order(), listed.Select(o => o.Key).Order());
        Assert.All(listed, o => Assert.InRange(o.Length, 100, 104));
        Assert.Equal(6, (await ListAsync(store, $"recordings/2026-03-01/{device}")).Count);
    }

    [Theory]
    [InlineData("../escape.opus")]
    [InlineData("/etc/passwd")]
    [InlineData("recordings/../../escape.opus")]
    [InlineData("recordings//x.opus")]
    [InlineData("recordings\\x.opus")]
    public async Task A_key_that_is_not_a_plain_relative_path_is_refused(string key)
    {
        var store = await StoreAsync();
        var (bytes, sha) = Content(10, 6);

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, bytes, sha, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync(key, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_usable_store_passes_its_probe()
    {
        var store = await StoreAsync();
        await store.ProbeAsync(CancellationToken.None);
        Assert.Empty(await ListAsync(store, ".health-probe"));
    }

    protected static async Task<List<AudioObject>> ListAsync(IAudioStore store, string prefix)
    {
        var list = new List<AudioObject>();
        await foreach (var o in store.ListAsync(prefix, CancellationToken.None))
        {
            list.Add(o);
        }

        return list;
    }
}
