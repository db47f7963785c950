using Dapper;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// An acme dialogue over three real Ogg Opus chunk files (espeak-ng speech, opusenc): one segment per chunk from
/// 500 ms to 500 ms before its end, back to back on the dialogue timeline.
/// </summary>
public static class MultiChunkDialogue
{
    // Before the week (14–20 Nov) the Performance and Trends browser tests count in the same database: on the 18th it
    // made op-carl's day 41 dialogues instead of 40 whenever it ran first and the roll-up had caught up.
    private static readonly DateTimeOffset Start = new(2026, 11, 10, 10, 0, 0, TimeSpan.Zero);

    public static async Task<(Guid Dialogue, int[] Durations)> SeedAsync(string connectionString, string storageRoot)
    {
        var dialogue = Guid.CreateVersion7();
        var durations = new List<int>();
        await using var c = new NpgsqlConnection(connectionString);
        await c.ExecuteAsync(
            """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at, speech_ms, status)
            VALUES (@dialogue, 'acme', 'acme-north', 'acme-d1', @start, @start + interval '30 seconds', 15000, 'closed')
            """,
            new { dialogue, start = Start });
        var offset = 0;
        for (var i = 0; i < 3; i++)
        {
            var wav = await SpeechAudio.WavAsync(5 + i, variant: i + 1);
            var chunk = Guid.CreateVersion7();
            var relative = Path.Combine("recordings", "2026-11-10", "acme-d1", chunk + ".opus");
            var full = Path.Combine(storageRoot, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await ExternalTool.RunCheckedAsync("opusenc", ["--quiet", "--bitrate", "24", wav, full]);
            var durationMs = WavMilliseconds(wav);
            durations.Add(durationMs);
            await c.ExecuteAsync(
                """
                INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256, storage_path, bridge_id)
                VALUES (@chunk, 'acme', 'acme-d1', @seq, @started, @durationMs, 16000, 'ogg/opus', @length, @sha, @relative, 'test');
                INSERT INTO dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms) VALUES (@chunk, 500, @end, @dialogue, @started, @offset);
                """,
                new { chunk, seq = 100 + i, started = Start.AddSeconds(10 * i), durationMs, length = new FileInfo(full).Length, sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(full))), relative, end = durationMs - 500, dialogue, offset });
            offset += durationMs - 1000;
        }

        return (dialogue, durations.ToArray());
    }

    private static int WavMilliseconds(string wav)
    {
        // 16 kHz mono 16-bit PCM after a 44-byte header: 32 bytes per millisecond.
        return (int)((new FileInfo(wav).Length - 44) / 32);
    }

}
