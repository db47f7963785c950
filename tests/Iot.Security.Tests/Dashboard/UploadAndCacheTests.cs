using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Iot.Security.Tests.Infrastructure;
using Iot.TestSupport;
using Npgsql;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.DashboardTenants;

namespace Iot.Security.Tests.Dashboard;

/// <summary>Resource and data-at-rest probes: an unbounded chunked upload; joined audio that outlives its dialogue.</summary>
public sealed class UploadAndCacheTests(DashboardHost host, ITestOutputHelper output) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task A_chunked_csv_upload_over_the_limit_is_refused_while_reading()
    {
        using var probes = new DashboardProbeCount(output);
        using var admin = await host.ClientAsAsync(AlphaAdmin);

        // 4 MB of comment lines with no Content-Length (chunked transfer): only the bytes themselves can be counted.
        var line = Encoding.UTF8.GetBytes("# " + new string('x', 1000) + "\n");
        var body = new MemoryStream();
        for (var i = 0; i < 4 * 1024; i++)
        {
            body.Write(line);
        }

        body.Position = 0;
        using var content = new StreamContent(new NoLengthStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/provisioning/preregistrations") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        probes.Record("4 MB chunked CSV upload", response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge && text.Contains("at most", StringComparison.Ordinal), $"{(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Joined_audio_lives_in_the_dashboards_own_0700_directory_and_leaves_with_its_dialogue()
    {
        using var probes = new DashboardProbeCount(output);
        var dialogue = await TwoChunkDialogueAsync();
        using var admin = await host.ClientAsAsync(AlphaAdmin);
        using (var audio = await admin.GetAsync($"/api/dialogues/{dialogue}/audio"))
        {
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        }

        var cache = Path.Combine(host.DataDirectory, "audio-cache");
        var underOwnDirectory = Directory.Exists(cache) && Directory.EnumerateFiles(cache, "*.opus").Any();
        probes.Record("joined audio written outside the dashboard's data directory (shared temp)", underOwnDirectory, cache);
        probes.Record(
            "audio cache directory readable by other local users",
            underOwnDirectory && (File.GetUnixFileMode(cache) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0,
            underOwnDirectory ? File.GetUnixFileMode(cache).ToString() : "missing");

        using (var deleted = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/dialogues/{dialogue}") { Content = JsonContent.Create(new { reason = "customer asked" }) }))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var left = Directory.Exists(cache) ? Directory.EnumerateFiles(cache, "*.opus").Count() : 0;
        probes.Record("joined audio of a deleted dialogue still on disk", underOwnDirectory && left == 0, $"{left} file(s) left");
    }

    /// <summary>A north dialogue over two real Ogg Opus chunks (espeak-ng + opusenc), so the dashboard joins them.</summary>
    private async Task<Guid> TwoChunkDialogueAsync()
    {
        var wav = await SpeechAudio.WavAsync(4, variant: 3);
        var opus = Path.ChangeExtension(wav, ".security.opus");
        if (!File.Exists(opus))
        {
            await ExternalTool.RunCheckedAsync("opusenc", ["--quiet", "--bitrate", "24", wav, opus + ".tmp"]);
            File.Move(opus + ".tmp", opus, overwrite: true);
        }

        var dialogue = Guid.CreateVersion7();
        var started = Day.AddHours(15);
        await using var c = new NpgsqlConnection(host.ConnectionString);
        await c.ExecuteAsync(
            "INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, speech_ms, status) VALUES (@dialogue, @Alpha, @AlphaNorth, @AlphaNorthDevice, 'op-x', @started, @started + interval '8 seconds', 8000, 'analyzed')",
            new { dialogue, Alpha, AlphaNorth, AlphaNorthDevice, started });
        for (var i = 0; i < 2; i++)
        {
            var chunk = Guid.CreateVersion7();
            var relative = Path.Combine("recordings", Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), AlphaNorthDevice, chunk + ".opus");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(host.StorageRoot, relative))!);
            File.Copy(opus, Path.Combine(host.StorageRoot, relative));
            var bytes = await File.ReadAllBytesAsync(opus);
            await c.ExecuteAsync(
                """
                INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256, storage_path, bridge_id)
                VALUES (@chunk, @Alpha, @AlphaNorthDevice, @seq, @at, 4000, 16000, 'ogg/opus', @length, @sha, @relative, 'probe');
                INSERT INTO dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms) VALUES (@chunk, 0, 4000, @dialogue, @at, @offset);
                """,
                new { chunk, Alpha, AlphaNorthDevice, seq = 10 + i, at = started.AddSeconds(4 * i), length = bytes.Length, sha = Convert.ToHexStringLower(SHA256.HashData(bytes)), relative, dialogue, offset = 4000 * i });
        }

        return dialogue;
    }

    /// <summary>Hides the length so HttpClient sends the body chunked.</summary>
    private sealed class NoLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
