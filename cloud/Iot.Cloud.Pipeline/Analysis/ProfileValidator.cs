namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Checks a tenant profile before it is used, so a bad entry is reported by name ("languages.en.offerFrames[3]: ...")
/// instead of silently matching nothing or failing deep inside an analysis job.
/// </summary>
public static class ProfileValidator
{
    private const int MaxPhraseLength = 200;

    public static IReadOnlyList<string> Validate(AnalysisProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var errors = new List<string>();
        if (profile.Languages is null || profile.Languages.Count == 0)
        {
            errors.Add("languages: at least one language is needed");
            return errors;
        }

        foreach (var (code, phrases) in profile.Languages)
        {
            var at = $"languages.{code}";
            if (string.IsNullOrWhiteSpace(code) || code.Length is < 2 or > 8 || !code.All(char.IsAsciiLetterLower))
            {
                errors.Add($"{at}: a language key is a lower-case ISO 639 code such as 'en'");
            }

            if (phrases is null)
            {
                errors.Add($"{at}: missing");
                continue;
            }

            Phrases(errors, $"{at}.greetings", phrases.Greetings, required: true);
            Phrases(errors, $"{at}.accept", phrases.Accept, required: true);
            Phrases(errors, $"{at}.decline", phrases.Decline, required: true);
            Phrases(errors, $"{at}.positive", phrases.Positive, required: true);
            Phrases(errors, $"{at}.negative", phrases.Negative, required: true);
            Phrases(errors, $"{at}.customerCues", phrases.CustomerCues, required: false);
            Phrases(errors, $"{at}.hedges", phrases.Hedges, required: false);
            Phrases(errors, $"{at}.neutral", phrases.Neutral, required: false);
            Phrases(errors, $"{at}.purchase", phrases.Purchase, required: false);
            if (phrases.UpsellOffers is null)
            {
                errors.Add($"{at}.upsellOffers: missing (category → product words; may be empty)");
            }
            else
            {
                foreach (var (category, words) in phrases.UpsellOffers)
                {
                    if (string.IsNullOrWhiteSpace(category) || category == BuiltInProfiles.Other)
                    {
                        errors.Add($"{at}.upsellOffers['{category}']: a category needs a name other than '{BuiltInProfiles.Other}' (used when none fits)");
                    }

                    Phrases(errors, $"{at}.upsellOffers.{category}", words, required: true);
                }
            }

            if (phrases.OfferFrames is { } frames)
            {
                for (var i = 0; i < frames.Count; i++)
                {
                    if (!OfferFrame.TryParse(frames[i], out _, out var error))
                    {
                        errors.Add($"{at}.offerFrames[{i}]: {error}");
                    }
                }
            }
        }

        if (profile.Checklist is null)
        {
            errors.Add("checklist: missing (may be empty)");
            return errors;
        }

        foreach (var (item, i) in profile.Checklist.Select((c, i) => (c, i)))
        {
            if (item is null || string.IsNullOrWhiteSpace(item.Id))
            {
                errors.Add($"checklist[{i}]: an item needs an id");
                continue;
            }

            if (item.Phrases is null)
            {
                errors.Add($"checklist[{i}] '{item.Id}': phrases missing");
                continue;
            }

            foreach (var (code, list) in item.Phrases)
            {
                Phrases(errors, $"checklist[{i}] '{item.Id}'.phrases.{code}", list, required: item.Id != BuiltInProfiles.OfferItem);
            }
        }

        if (profile.Checklist.Where(c => c?.Id is not null).GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1) is { } dup)
        {
            errors.Add($"checklist: item id '{dup.Key}' appears more than once");
        }

        return errors;
    }

    private static void Phrases(List<string> errors, string at, IReadOnlyList<string>? phrases, bool required)
    {
        if (phrases is null)
        {
            if (required)
            {
                errors.Add($"{at}: missing");
            }

            return;
        }

        for (var i = 0; i < phrases.Count; i++)
        {
            var p = phrases[i];
            if (string.IsNullOrWhiteSpace(p) || FoldedText.FoldPhrase(p.Replace("*", "", StringComparison.Ordinal)).Length == 0)
            {
                errors.Add($"{at}[{i}]: '{p}' has no letters or digits to match");
            }
            else if (p.Length > MaxPhraseLength)
            {
                errors.Add($"{at}[{i}]: longer than {MaxPhraseLength} characters");
            }
            else if (p.Contains("**", StringComparison.Ordinal) || p.Split(' ').Any(w => w.Length > 1 && w.TrimEnd('*').Contains('*', StringComparison.Ordinal)))
            {
                errors.Add($"{at}[{i}]: '{p}': '*' may only end a word");
            }
        }
    }
}
