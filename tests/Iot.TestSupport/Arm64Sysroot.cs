namespace Iot.TestSupport;

/// <summary>
/// Debian's arm64 C runtime plus arm64 libssl3 in the test cache, for running the Raspberry Pi build under
/// qemu-aarch64-static. edge/scripts/arm64-sysroot.sh builds it under a lock and stamps it when whole, so test
/// processes that ask at once share one build and a half-built folder is never used.
/// </summary>
public static class Arm64Sysroot
{
    private static readonly Lazy<Task<string>> Prepared = new(PrepareAsync);

    public static Task<string> PathAsync() => Prepared.Value;

    private static async Task<string> PrepareAsync()
    {
        var dir = Path.Combine(TestCache.Root, "arm64-sysroot");
        await ExternalTool.RunCheckedAsync("bash", [Path.Combine(RepoPaths.Root, "edge", "scripts", "arm64-sysroot.sh"), dir], TimeSpan.FromMinutes(20));
        return dir;
    }
}
