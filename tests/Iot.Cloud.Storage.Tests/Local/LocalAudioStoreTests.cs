using Iot.Cloud.Storage.Local;
using Iot.TestSupport;

namespace Iot.Cloud.Storage.Tests.Local;

public sealed class LocalAudioStoreTests : AudioStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new("audio-store");

    protected override Task<IAudioStore> StoreAsync() => Task.FromResult<IAudioStore>(new LocalAudioStore(_dir.Path, "test-instance"));

    [Fact]
    public async Task Files_land_at_the_key_below_the_root_and_no_temp_file_is_left()
    {
        var store = new LocalAudioStore(_dir.Path, "test-instance");
        var (bytes, sha) = Content(1000, 7);

        await store.PutAsync("recordings/2026-03-01/pos-1/a.opus", bytes, sha, CancellationToken.None);
        store.MakeDurable(["recordings/2026-03-01/pos-1/a.opus"]);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(_dir.Path, "recordings", "2026-03-01", "pos-1", "a.opus")));
        Assert.Equal(["a.opus"], Directory.GetFiles(Path.Combine(_dir.Path, "recordings", "2026-03-01", "pos-1")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_crash_leftover_temp_file_is_not_listed_and_is_recognised_as_this_writers_own()
    {
        var store = new LocalAudioStore(_dir.Path, "test-instance");
        var dir = Directory.CreateDirectory(Path.Combine(_dir.Path, "recordings", "2026-03-01", "pos-1")).FullName;
        var own = Path.Combine(dir, "a.opus.0123.test-instance" + LocalAudioStore.TempSuffix);
        var foreign = Path.Combine(dir, "b.opus.0123.other" + LocalAudioStore.TempSuffix);
        await File.WriteAllTextAsync(own, "x");
        await File.WriteAllTextAsync(foreign, "x");

        Assert.Empty(await ListAsync(store, "recordings/"));
        Assert.True(store.IsOwnTempFile(own));
        Assert.False(store.IsOwnTempFile(foreign));
    }

    [Fact]
    public async Task A_root_that_does_not_exist_fails_the_probe_as_not_mounted()
    {
        var store = new LocalAudioStore(_dir.Sub("missing"), "test-instance");

        var ex = await Assert.ThrowsAsync<AudioStoreUnavailableException>(() => store.ProbeAsync(CancellationToken.None));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
