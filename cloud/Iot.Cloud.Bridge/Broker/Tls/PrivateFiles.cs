namespace Iot.Cloud.Bridge.Broker.Tls;

/// <summary>Owner-only files written whole or not at all: a crash leaves the old file or the new one, never half of one.</summary>
internal static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const string TempSuffix = ".tmp";

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>Writes <c>{path}.tmp</c> (0600 from creation), fsyncs it and renames it over <paramref name="path"/>.</summary>
    public static void WriteTemp(string path, string content)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        using (var stream = new FileStream(path + TempSuffix, options))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only to a new file; a leftover temp file from a crash keeps its old mode otherwise.
            File.SetUnixFileMode(path + TempSuffix, FileMode);
        }
    }

    public static void Commit(string path)
    {
        File.Move(path + TempSuffix, path, overwrite: true);
        Iot.Cloud.Storage.Interop.Libc.FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    public static void WriteAtomic(string path, string content)
    {
        WriteTemp(path, content);
        Commit(path);
    }

    /// <summary>True when group or others may read it; such a key is tightened and the fact logged, never ignored.</summary>
    public static bool IsOpenToOthers(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~FileMode) != 0;

    public static void Tighten(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }
}
