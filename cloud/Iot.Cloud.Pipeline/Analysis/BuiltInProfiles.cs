namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// The profile a tenant starts with: offer frames, product words per category, replies and sentiment words in
/// Russian, Uzbek (Latin and Cyrillic), Azerbaijani, Turkish and English, and a three-item checklist. Phrases are
/// matched case- and diacritic-insensitively; <c>*</c> ends a stem. Each language lives in its own file.
/// </summary>
public static class BuiltInProfiles
{
    public const string Warranty = "warranty";
    public const string Accessories = "accessories";
    public const string Insurance = "insurance";

    /// <summary>Installation, delivery, set-up, cleaning, subscriptions and memberships.</summary>
    public const string Service = "service";

    /// <summary>An upgrade to a better, bigger or pro model.</summary>
    public const string Premium = "premium";

    /// <summary>An offered item no category's product words name.</summary>
    public const string Other = "other";

    public const string GreetingItem = "greeting";
    public const string OfferItem = "offer";
    public const string FarewellItem = "farewell";

    public static AnalysisProfile Default { get; } = Build();

    /// <summary>Grammar knowledge of a language (empty for a language only a tenant profile has).</summary>
    public static LanguageGrammar Grammar(string language) => language switch
    {
        "en" => BuiltInEnglish.Grammar,
        "ru" => BuiltInRussian.Grammar,
        "tr" => BuiltInTurkish.Grammar,
        "az" => BuiltInAzerbaijani.Grammar,
        "uz" => BuiltInUzbek.Grammar,
        _ => LanguageGrammar.Empty,
    };

    internal static Dictionary<string, IReadOnlyList<string>> Products(string[] warranty, string[] accessories, string[] insurance, string[] service, string[] premium) =>
        new(StringComparer.Ordinal)
        {
            [Warranty] = warranty,
            [Accessories] = accessories,
            [Insurance] = insurance,
            [Service] = service,
            [Premium] = premium,
        };

    private static AnalysisProfile Build()
    {
        var languages = new Dictionary<string, LanguagePhrases>(StringComparer.Ordinal)
        {
            ["en"] = BuiltInEnglish.Phrases,
            ["ru"] = BuiltInRussian.Phrases,
            ["uz"] = BuiltInUzbek.Phrases,
            ["az"] = BuiltInAzerbaijani.Phrases,
            ["tr"] = BuiltInTurkish.Phrases,
        };

        var farewells = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["en"] = ["thank you", "thanks", "goodbye", "bye", "have a nice day", "have a good day", "see you"],
            ["ru"] = ["спасибо", "благодарю", "до свидания", "всего доброго", "хорошего дня"],
            ["uz"] = ["rahmat", "xayr", "salomat bo'ling", "ko'rishguncha", "раҳмат", "рахмат", "хайр", "саломат бўлинг"],
            ["az"] = ["təşəkkür*", "sağ olun", "sağ ol", "görüşənədək", "hələlik"],
            ["tr"] = ["teşekkür*", "sağ olun", "hoşça kalın", "görüşmek üzere", "güle güle", "iyi günler"],
        };

        ChecklistItem[] checklist =
        [
            new(GreetingItem, "Greeted the customer", languages.ToDictionary(l => l.Key, l => l.Value.Greetings, StringComparer.Ordinal)),
            // Met when the offer detector finds an offer act; the phrases are only there for other engines and old readers.
            new(OfferItem, "Offered an additional product or service", languages.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)[.. l.Value.UpsellOffers.Values.SelectMany(p => p)], StringComparer.Ordinal)),
            new(FarewellItem, "Thanked the customer or said goodbye", farewells),
        ];
        return new AnalysisProfile(languages, checklist);
    }
}
