using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Iot.Cloud.Pipeline.Analysis;
using Microsoft.Extensions.Logging;

namespace Iot.Cloud.Pipeline.Transcription.Biasing;

/// <summary>
/// Builds and caches PocketSphinx's domain language model for a profile: the corpus files' lines plus the profile's
/// English phrases (<see cref="ProfilePhrases.All"/>), words the pronunciation dictionary lacks dropped (and
/// counted), unigrams mixed with the stock model's frequent words. One model per distinct input, kept in memory and
/// on disk under the cache directory; the first dialogue of a profile pays the build (about a second).
/// </summary>
internal sealed partial class DomainLanguageModel(DomainLmOptions options, string modelDirectory, ILogger logger)
{
    private const string Key = TranscriptionOptions.Section + ":PocketSphinx:DomainLm";

    private readonly ConcurrentDictionary<string, Lazy<Task<DomainLmFile>>> _built = new(StringComparer.Ordinal);
    private readonly Lazy<PronunciationDictionary> _dictionary = new(() => PronunciationDictionary.Load(Path.Combine(modelDirectory, "cmudict-en-us.dict")));
    private readonly Lazy<Dictionary<string, double>> _general = new(() =>
        options.GeneralWords == 0 || options.GeneralWeight == 0 ? [] : StockUnigrams.Read(Path.Combine(modelDirectory, "en-us.lm.bin"), options.GeneralWords));

    public static void Validate(DomainLmOptions o, string key, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(errors);
        if (o.GeneralWeight is < 0 or >= 1 || double.IsNaN(o.GeneralWeight))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:GeneralWeight {o.GeneralWeight} must be at least 0 and below 1"));
        }

        if (o.GeneralWords is < 0 or > 1_000_000)
        {
            errors.Add($"{key}:GeneralWords {o.GeneralWords} must be 0..1000000");
        }

        if (o.CorpusFiles.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{key}:CorpusFiles has an empty entry");
        }

        if (o.CacheDirectory is { } dir && !Path.IsPathRooted(dir))
        {
            errors.Add($"{key}:CacheDirectory '{dir}' must be an absolute path");
        }
    }

    /// <summary>The model file for <paramref name="profile"/> (null: corpus only), built on first use.</summary>
    /// <exception cref="TranscriberUnavailableException">A corpus file or the stock model files are missing or unreadable.</exception>
    public async Task<DomainLmFile> GetAsync(AnalysisProfile? profile, CancellationToken cancellationToken)
    {
        var phrases = profile is null ? [] : ProfilePhrases.All(profile, "en");
        var key = Hash(phrases);
        var lazy = _built.GetOrAdd(key, k => new Lazy<Task<DomainLmFile>>(() => Task.Run(() => Build(k, phrases, CancellationToken.None), CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failed build is not cached: the files may be installed by the next attempt.
            _built.TryRemove(KeyValuePair.Create(key, lazy));
            throw;
        }
    }

    /// <summary>Lower-case words of a line as the dictionary spells them; a word it lacks becomes null (a break).</summary>
    internal static List<string?> Words(string line, PronunciationDictionary dictionary, Action<string>? dropped = null)
    {
        var words = new List<string?>();
        var sb = new StringBuilder();
        foreach (var c in line.ToLowerInvariant().Append(' '))
        {
            if (char.IsLetterOrDigit(c) || c == '\'' || c == '’')
            {
                sb.Append(c == '’' ? '\'' : c);
                continue;
            }

            if (sb.Length == 0)
            {
                continue;
            }

            var word = sb.ToString();
            sb.Clear();
            var known = dictionary.Contains(word) ? word : dictionary.Contains(word.Trim('\'')) ? word.Trim('\'') : null;
            if (known is null)
            {
                dropped?.Invoke(word);
            }

            words.Add(known);
        }

        return words;
    }

    private DomainLmFile Build(string key, List<string> phrases, CancellationToken cancellationToken)
    {
        var started = Environment.TickCount64;
        PronunciationDictionary dictionary;
        Dictionary<string, double> general;
        var lines = new List<string>(phrases);
        try
        {
            dictionary = _dictionary.Value;
            general = _general.Value;
            foreach (var file in options.CorpusFiles)
            {
                lines.AddRange(File.ReadLines(file).Where(l => l.Length > 0 && !l.StartsWith('#')));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new TranscriberUnavailableException($"{Key}: cannot build the domain language model ({e.Message}); check {Key}:CorpusFiles and {TranscriptionOptions.Section}:PocketSphinx:ModelDirectory", e);
        }

        var droppedTypes = new HashSet<string>(StringComparer.Ordinal);
        var droppedTokens = 0;
        var sentences = new List<IReadOnlyList<string?>>();
        foreach (var line in lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sentences.Add(Words(line, dictionary, w =>
            {
                droppedTypes.Add(w);
                droppedTokens++;
            }));
        }

        var generalKnown = general.Where(kv => dictionary.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var model = ArpaModelBuilder.Build(sentences, generalKnown, generalKnown.Count == 0 ? 0 : options.GeneralWeight);
        var dir = options.CacheDirectory ?? Path.Combine(Path.GetTempPath(), "iot-pocketsphinx-lm");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"domain-{key[..16]}.lm");
        var temp = path + $".{Guid.NewGuid():n}.tmp";
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
        {
            model.WriteArpa(writer);
        }

        File.Move(temp, path, overwrite: true);
        var result = new DomainLmFile(path, model.Unigrams.Count, model.BigramCount, model.TrigramCount, lines.Count, droppedTypes.Count, droppedTokens);
        LogBuilt(logger, path, result.Words, result.Bigrams, result.Trigrams, result.Lines, result.DroppedWordTypes, result.DroppedTokens, Environment.TickCount64 - started);
        return result;
    }

    private string Hash(List<string> phrases)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{options.GeneralWeight}|{options.GeneralWords}|{modelDirectory}\n");
        foreach (var file in options.CorpusFiles)
        {
            var info = new FileInfo(file);
            sb.Append(CultureInfo.InvariantCulture, $"{file}|{(info.Exists ? info.Length : -1)}|{(info.Exists ? info.LastWriteTimeUtc.Ticks : 0)}\n");
        }

        foreach (var p in phrases)
        {
            sb.Append(p).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "pocketsphinx domain model {Path}: {Words} words, {Bigrams} bigrams, {Trigrams} trigrams from {Lines} lines; {DroppedTypes} word type(s) ({DroppedTokens} occurrence(s)) not in the pronunciation dictionary were dropped; {Milliseconds} ms")]
    private static partial void LogBuilt(ILogger logger, string path, int words, int bigrams, int trigrams, int lines, int droppedTypes, int droppedTokens, long milliseconds);
}

/// <param name="DroppedWordTypes">Distinct words of the text the dictionary cannot pronounce (left out of the model).</param>
internal sealed record DomainLmFile(string Path, int Words, int Bigrams, int Trigrams, int Lines, int DroppedWordTypes, int DroppedTokens);
