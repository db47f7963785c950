namespace Iot.TestSupport;

public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "iot-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():n}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // IOT_KEEP_TEMP=1 keeps every test's folder (logs, stores) for a post-mortem.
        if (Environment.GetEnvironmentVariable("IOT_KEEP_TEMP") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
