using Iot.Protocol.Audio;

namespace Iot.Faults.Tests.DiskFull;

/// <summary>Decodes recordings: a matching hash only proves the bytes are what the device sent, not that they play.</summary>
public static class StoredAudio
{
    /// <summary>Returns one line per file that is not a complete, decodable Ogg Opus stream (empty = all good).</summary>
    public static async Task<IReadOnlyList<string>> UndecodableAsync(IEnumerable<string> files)
    {
        var problems = new List<string>();
        foreach (var file in files)
        {
            try
            {
                var samples = OpusFileDecoder.Decode(await File.ReadAllBytesAsync(file));
                if (samples.Length == 0)
                {
                    problems.Add($"{file}: no audio");
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
            {
                problems.Add($"{file}: {ex.Message}");
            }
        }

        return problems;
    }
}
