using System.Text.Json;
using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// The <c>verbose_json</c> body: <c>language</c>, <c>segments[{start,end,text}]</c> and, when asked, <c>words[{word,start,end}]</c>
/// (seconds). Words are a flat list; each goes to the segment its start falls in.
/// </summary>
/// <param name="Confidence">exp of the segments' <c>avg_logprob</c>, weighted by segment length; null when the server
/// sends none (not every OpenAI-compatible server does).</param>
internal sealed record OpenAiTranscriptionReply(string? Language, IReadOnlyList<Utterance> Utterances, double? Confidence = null)
{
    /// <exception cref="MalformedReplyException">Not JSON, or segments without numeric times and text.</exception>
    public static OpenAiTranscriptionReply Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new MalformedReplyException("transcription reply is not a JSON object", body);
            }

            var words = new List<TimedWord>();
            if (root.TryGetProperty("words", out var w) && w.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in w.EnumerateArray())
                {
                    words.Add(new TimedWord(Ms(item, "start", body), Ms(item, "end", body), Text(item, "word", body).Trim()));
                }
            }

            var utterances = new List<Utterance>();
            double weighted = 0, weights = 0;
            if (root.TryGetProperty("segments", out var segments) && segments.ValueKind == JsonValueKind.Array)
            {
                var all = segments.EnumerateArray().ToList();
                for (var i = 0; i < all.Count; i++)
                {
                    var start = Ms(all[i], "start", body);
                    var end = Ms(all[i], "end", body);
                    if (all[i].TryGetProperty("avg_logprob", out var logprob) && logprob.ValueKind == JsonValueKind.Number && logprob.GetDouble() <= 0)
                    {
                        var length = Math.Max(1, end - start);
                        weighted += Math.Exp(logprob.GetDouble()) * length;
                        weights += length;
                    }

                    var last = i == all.Count - 1;
                    var mine = words.Where(x => x.StartMs >= start && (x.StartMs < end || last && x.StartMs <= end)).ToList();
                    utterances.Add(new Utterance(start, end, Text(all[i], "text", body).Trim(), mine.Count > 0 ? mine : null));
                }
            }
            else if (root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                // A plain "json" answer from a server that ignored verbose_json: one untimed utterance is still a transcript.
                var t = text.GetString()!.Trim();
                if (t.Length > 0)
                {
                    utterances.Add(new Utterance(words.FirstOrDefault()?.StartMs ?? 0, words.LastOrDefault()?.EndMs ?? 0, t, words.Count > 0 ? words : null));
                }
            }
            else
            {
                throw new MalformedReplyException("transcription reply has neither 'segments' nor 'text'", body);
            }

            var language = root.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            return new OpenAiTranscriptionReply(language, utterances, weights > 0 ? weighted / weights : null);
        }
        catch (JsonException e)
        {
            throw new MalformedReplyException($"transcription reply is not JSON: {e.Message}", body, e);
        }
    }

    private static int Ms(JsonElement e, string name, string body) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.GetDouble() >= 0
            ? (int)Math.Round(v.GetDouble() * 1000)
            : throw new MalformedReplyException($"transcription reply: '{name}' missing or not a non-negative number", body);

    private static string Text(JsonElement e, string name, string body) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new MalformedReplyException($"transcription reply: '{name}' missing or not a string", body);
}
