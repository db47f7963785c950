using Iot.Protocol.Audio;
using Iot.TestSupport;
using Iot.TestSupport.Whisper;
using Xunit.Abstractions;

namespace Iot.Protocol.Tests.Audio;

/// <summary>
/// The structure walk that stands between a damaged file and whisper.cpp, which dies natively (std::length_error,
/// not catchable) on some truncations instead of returning an error.
/// </summary>
public class GgmlModelFileTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_whole_model_passes_the_structure_walk()
    {
        Assert.Null(GgmlModelFile.Check(await WhisperFixtureModel.PathAsync()));
    }

    [Fact]
    public async Task A_file_cut_at_any_point_is_refused_before_whisper_cpp_reads_it()
    {
        var model = await File.ReadAllBytesAsync(await WhisperFixtureModel.PathAsync());
        var cuts = 0;

        // Every byte of the first 64 KiB (magic, hyper-parameters, mel filters, vocabulary, first tensor headers),
        // then a spread through the weights, and the last bytes.
        var points = Enumerable.Range(0, 65_536).Where(i => i % 7 == 0)
            .Concat(Enumerable.Range(1, 400).Select(i => (int)((long)model.Length * i / 401)))
            .Concat(Enumerable.Range(1, 64).Select(i => model.Length - i));
        foreach (var length in points.Where(l => l < model.Length).Distinct())
        {
            using var cut = new MemoryStream(model, 0, length, writable: false);
            var problem = GgmlModelFile.Check(cut);
            Assert.True(problem is not null, $"a file cut at {length} of {model.Length} bytes passed");
            cuts++;
        }

        output.WriteLine($"{cuts} truncations of a {model.Length}-byte model refused");
    }

    [Theory]
    [InlineData("dimensions", 0, 9)]
    [InlineData("name length", 4, 100_000)]
    [InlineData("type", 8, 99)]
    public async Task A_tensor_header_with_an_impossible_field_is_refused_naming_the_problem(string field, int offsetInHeader, int value)
    {
        var model = await File.ReadAllBytesAsync(await WhisperFixtureModel.PathAsync());
        var header = WhisperFixtureModel.FirstTensorOffset(model);
        BitConverter.GetBytes(value).CopyTo(model, header + offsetInHeader);
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "bad.bin");
        await File.WriteAllBytesAsync(path, model);

        var problem = GgmlModelFile.Check(path);

        output.WriteLine($"{field}: {problem}");
        Assert.NotNull(problem);
        Assert.Contains("tensor", problem, StringComparison.Ordinal);
    }
}
