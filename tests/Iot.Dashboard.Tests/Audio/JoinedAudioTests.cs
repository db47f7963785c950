using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;

namespace Iot.Dashboard.Tests.Audio;

/// <summary>A dialogue over three chunk files is served as one Ogg Opus stream that ffmpeg decodes without complaint.</summary>
public sealed class JoinedAudioTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task A_dialogue_over_three_chunks_is_one_valid_ogg_stream_with_range_support()
    {
        var (dialogue, durations) = await MultiChunkDialogue.SeedAsync(fx.ConnectionString, fx.StorageRoot);
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var response = await client.GetAsync($"/api/dialogues/{dialogue}/audio");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/ogg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        var bytes = await response.Content.ReadAsByteArrayAsync();

        // One logical stream: every page has the first page's serial, page numbers run 0, 1, 2 … and only the last ends it.
        var pages = Pages(bytes);
        Assert.All(pages, p => Assert.Equal(pages[0].Serial, p.Serial));
        Assert.Equal(Enumerable.Range(0, pages.Count).Select(i => (uint)i), pages.Select(p => p.Sequence));
        Assert.Equal([pages.Count - 1], pages.Select((p, i) => (p, i)).Where(x => (x.p.Flags & 4) != 0).Select(x => x.i));

        var file = Path.Combine(fx.StorageRoot, "joined.ogg");
        await File.WriteAllBytesAsync(file, bytes);
        var check = await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"]);
        Assert.True(check.ExitCode == 0 && check.StdErr.Trim().Length == 0, $"ffmpeg: exit {check.ExitCode} {check.StdErr}");
        var probe = await ExternalTool.RunCheckedAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
        var seconds = double.Parse(probe.StdOut.Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(seconds, (durations.Sum() / 1000.0) - 0.05, (durations.Sum() / 1000.0) + 0.05);

        // Seeking: a range is a slice of the same bytes (the joined file is built once and kept).
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/dialogues/{dialogue}/audio");
        ranged.Headers.Range = new RangeHeaderValue(1000, 4999);
        var part = await client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes.AsSpan(1000, 4000).ToArray(), await part.Content.ReadAsByteArrayAsync());

        // Another tenant gets nothing, joined or not.
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/dialogues/{dialogue}/audio")).StatusCode);
    }

    private static List<(uint Serial, uint Sequence, byte Flags)> Pages(byte[] ogg)
    {
        var pages = new List<(uint, uint, byte)>();
        var at = 0;
        while (at + 27 <= ogg.Length)
        {
            Assert.True(ogg.AsSpan(at, 4).SequenceEqual("OggS"u8), $"no page at byte {at}");
            var segments = ogg[at + 26];
            var body = 0;
            for (var i = 0; i < segments; i++)
            {
                body += ogg[at + 27 + i];
            }

            pages.Add((BinaryPrimitives.ReadUInt32LittleEndian(ogg.AsSpan(at + 14)), BinaryPrimitives.ReadUInt32LittleEndian(ogg.AsSpan(at + 18)), ogg[at + 5]));
            at += 27 + segments + body;
        }

        Assert.Equal(ogg.Length, at);
        return pages;
    }
}
