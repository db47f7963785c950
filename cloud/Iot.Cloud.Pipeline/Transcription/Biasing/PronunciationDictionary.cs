namespace Iot.Cloud.Pipeline.Transcription.Biasing;

/// <summary>
/// The words a PocketSphinx dictionary can pronounce (<c>word PH ON ES</c> lines; <c>word(2)</c> are variants of
/// <c>word</c>). A language-model word without a pronunciation can never be recognised, so the model leaves it out.
/// </summary>
internal sealed class PronunciationDictionary
{
    private readonly HashSet<string> _words;

    private PronunciationDictionary(HashSet<string> words) => _words = words;

    public int Count => _words.Count;

    public static PronunciationDictionary Load(string path)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var end = line.IndexOfAny([' ', '\t']);
            if (end <= 0)
            {
                continue;
            }

            var word = line[..end];
            var variant = word.IndexOf('(', StringComparison.Ordinal);
            words.Add(variant > 0 ? word[..variant] : word);
        }

        return new PronunciationDictionary(words);
    }

    public static PronunciationDictionary Of(IEnumerable<string> words) => new(new HashSet<string>(words, StringComparer.Ordinal));

    public bool Contains(string word) => _words.Contains(word);
}
