using Iot.Edge.Alsa.Tests.Interop;
using Iot.TestSupport;

namespace Iot.Edge.Alsa.Tests;

/// <summary>
/// Virtual microphones for a machine without a sound card: ALSA "file" PCMs over the null PCM, each reading a raw
/// S16_LE file as its input. libasound takes its configuration from the C environment of this process, once for all
/// tests, so every PCM the tests use is defined here up front and each test owns one input path.
/// </summary>
public sealed class AlsaTestConfig : IDisposable
{
    private const string SystemConfig = "/usr/share/alsa/alsa.conf";
    private readonly TempDirectory _dir = new("iot-alsa-test");

    public AlsaTestConfig()
    {
        if (!File.Exists(SystemConfig))
        {
            throw new InvalidOperationException($"{SystemConfig} is missing: install libasound2 (tests/test.sh does)");
        }

        var conf = _dir.Sub("asound.conf");
        File.WriteAllText(conf, string.Concat(Pcms.Select(p => $$"""
            pcm.{{p}} {
              type file
              slave.pcm { type null }
              file "/dev/null"
              infile "{{InputOf(p)}}"
              format raw
            }

            """)));

        // The system file first, so "default", "hw" and "plughw" exist as they do on a device.
        if (LibC.setenv("ALSA_CONFIG_PATH", $"{SystemConfig}:{conf}", 1) != 0)
        {
            throw new InvalidOperationException("setenv(ALSA_CONFIG_PATH) failed");
        }
    }

    public const string Exact = "iot_test_exact";
    public const string Sizes = "iot_test_sizes";
    public const string Live = "iot_test_live";
    public const string Gone = "iot_test_gone";
    public const string Stopped = "iot_test_stopped";
    public const string Reconnect = "iot_test_reconnect";
    public const string Listed = "iot_test_listed";

    private static readonly string[] Pcms = [Exact, Sizes, Live, Gone, Stopped, Reconnect, Listed];

    /// <summary>The file (or FIFO) the PCM <paramref name="pcm"/> reads as its microphone input.</summary>
    public string InputOf(string pcm) => _dir.Sub(pcm + ".raw");

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class AlsaCollection : ICollectionFixture<AlsaTestConfig>
{
    public const string Name = "alsa";
}
