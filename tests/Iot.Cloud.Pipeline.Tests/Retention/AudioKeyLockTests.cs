using Iot.Cloud.Pipeline.Retention;

namespace Iot.Cloud.Pipeline.Tests.Retention;

public sealed class AudioKeyLockTests
{
    [Fact]
    public void Chunk_ids_made_in_the_same_minute_get_different_lock_keys()
    {
        // Chunk ids are UUIDv7: ids of one minute share their first bytes (the timestamp), not their lock key.
        var ids = Enumerable.Range(0, 1000).Select(_ => Guid.CreateVersion7()).ToList();

        Assert.True(ids.Select(AudioKeyLock.KeyOf).Distinct().Count() >= 999);
        Assert.Equal(AudioKeyLock.KeyOf(ids[0]), AudioKeyLock.KeyOf(new Guid(ids[0].ToString())));
    }
}
