using System.Runtime.InteropServices;

namespace Iot.Edge.Alsa.Tests.Interop;

internal static partial class LibC
{
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int setenv(string name, string value, int overwrite);
}
