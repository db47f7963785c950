using System.Runtime.InteropServices;

namespace Iot.Edge.Agent.Interop;

/// <summary>
/// glibc gives each thread that meets a locked heap its own malloc arena (up to 8 per core), and memory freed into an
/// arena is seldom returned. The agent's native allocations are small and rare (Opus, OpenSSL, ONNX Runtime), so one
/// arena costs no measurable speed and saved about 15 MB of RSS on the bench (edge/README.md "Memory"). Set at the
/// top of Main, before the host starts its threads; MALLOC_ARENA_MAX in the environment still wins if set.
/// </summary>
internal static partial class MallocArenas
{
    private const int MArenaMax = -8; // M_ARENA_MAX in <malloc.h>

    /// <summary>Returns false where there is no glibc (Windows, musl) or it refused; nothing else changes then.</summary>
    public static bool LimitTo(int arenas)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return false;
        }

        try
        {
            return mallopt(MArenaMax, arenas) == 1;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
