using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Iot.Cloud.Storage.Interop;

/// <summary>
/// The one native call of the cloud programs: fsync on a directory, which .NET cannot open as a file.
/// Without it a rename is atomic but not durable: after a power cut the new name may be missing.
/// </summary>
public static partial class Libc
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000;
    private const int CloseOnExec = 0x80000;

    public static void FsyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // NTFS journals metadata; the rename is durable once MoveFileEx returns.
        }

        using var handle = Open(path, ReadOnly | Directory | CloseOnExec);
        if (handle.IsInvalid)
        {
            throw new IOException($"open({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        if (Fsync(handle) != 0)
        {
            throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial SafeDirectoryHandle Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(SafeDirectoryHandle fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);

    internal sealed class SafeDirectoryHandle : SafeHandleMinusOneIsInvalid
    {
        public SafeDirectoryHandle()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle() => CloseFd((int)handle) == 0;
    }
}
