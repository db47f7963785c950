using System.Runtime.InteropServices.Marshalling;

namespace Iot.Edge.Capture.Alsa.Interop;

/// <summary>The Linux errno values libasound returns negated, and their text as libasound words it.</summary>
internal static class AlsaErrno
{
    internal const int ENOENT = 2;
    internal const int EINTR = 4;
    internal const int EIO = 5;
    internal const int EAGAIN = 11;
    internal const int EBUSY = 16;
    internal const int ENODEV = 19;
    internal const int EPIPE = 32;
    internal const int EBADFD = 77;
    internal const int ESTRPIPE = 86;

    internal static unsafe string Describe(int error) =>
        Utf8StringMarshaller.ConvertToManaged(LibAsound.snd_strerror(error)) ?? $"error {error}";

    internal static AlsaException Fail(string what, string name, string operation, int error, string hint = "") =>
        new(name, $"{what} '{name}': {operation} failed: {Describe(error)}{hint}", error);

    internal static unsafe string Text(byte* value) => Utf8StringMarshaller.ConvertToManaged(value) ?? "";
}
