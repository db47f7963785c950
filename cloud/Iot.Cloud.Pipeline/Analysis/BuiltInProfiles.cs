namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// The profile a tenant starts with: retail counter phrases in Russian, Uzbek (Latin), Azerbaijani, Turkish and
/// English, and a three-item checklist. Phrases are matched case- and diacritic-insensitively; <c>*</c> ends a stem.
/// </summary>
public static class BuiltInProfiles
{
    public const string Warranty = "warranty";
    public const string Accessories = "accessories";
    public const string Insurance = "insurance";
    public const string Subscription = "subscription";
    public const string BiggerSize = "bigger_size";

    public const string GreetingItem = "greeting";
    public const string OfferItem = "offer";
    public const string FarewellItem = "farewell";

    public static AnalysisProfile Default { get; } = Build();

    private static AnalysisProfile Build()
    {
        var languages = new Dictionary<string, LanguagePhrases>(StringComparer.Ordinal)
        {
            ["en"] = new(
                ["hello", "hi", "good morning", "good afternoon", "good evening", "welcome", "hey there"],
                Offers(
                    warranty: ["extended warranty", "warranty", "warranties", "protection plan", "guarantee plan"],
                    accessories: ["phone case", "protective case", "case for it", "cover", "screen protector", "charger", "headphones", "earphones", "accessor*"],
                    insurance: ["insurance", "insure*"],
                    subscription: ["subscription", "subscribe", "membership", "loyalty card", "monthly plan"],
                    biggerSize: ["bigger size", "larger size", "bigger one", "larger one", "family size", "large combo", "upgrade to large", "upsize"]),
                ["yes", "yes please", "yeah", "sure", "okay", "ok", "i'll take it", "i will take it", "sounds good", "let's do it", "add it", "why not", "go ahead", "of course"],
                ["no", "no thanks", "no thank you", "not now", "not today", "i don't need", "don't need it", "i'll pass", "maybe later", "not interested", "no need"],
                ["great", "excellent", "perfect", "wonderful", "happy", "love it", "helpful", "amazing", "pleased", "nice"],
                ["bad", "terrible", "awful", "expensive", "too much", "disappoint*", "unhappy", "angry", "problem", "slow", "complain*", "broken"]),
            ["ru"] = new(
                ["здравствуйте", "добрый день", "добрый вечер", "доброе утро", "привет", "добро пожаловать"],
                Offers(
                    warranty: ["гарант*", "расширенн* гарант*"],
                    accessories: ["чехол", "чехл*", "защитн* стекл*", "пленк*", "наушник*", "зарядк*", "зарядн* устройств*", "аксессуар*"],
                    insurance: ["страхов*", "застрахова*"],
                    subscription: ["подписк*", "абонемент*", "карт* лояльности", "бонусн* карт*", "клубн* карт*"],
                    biggerSize: ["побольше", "больш* размер*", "размер больше", "больш* упаковк*", "больш* порци*"]),
                ["да", "давайте", "хорошо", "конечно", "беру", "возьму", "согласен", "согласна", "добавьте", "оформляйте"],
                ["нет", "не надо", "не нужно", "не нужна", "не нужен", "откажусь", "не сейчас", "в другой раз", "не интересует"],
                ["отличн*", "прекрасн*", "замечательн*", "нравится", "доволен", "довольна", "удобн*", "супер", "спасибо большое"],
                ["плох*", "ужасн*", "недоволен", "недовольна", "дорого", "слишком дорого", "жалоб*", "разочарован*", "неудобн*", "проблем*"]),
            ["uz"] = new(
                ["assalomu alaykum", "salom", "xush kelibsiz", "xayrli kun", "xayrli tong"],
                Offers(
                    warranty: ["kafolat*", "garantiya*"],
                    accessories: ["g'ilof*", "chexol*", "himoya oyna*", "quloqchin*", "zaryadlovchi*", "aksessuar*"],
                    insurance: ["sug'urta*"],
                    subscription: ["obuna*", "a'zolik*", "bonus karta*"],
                    biggerSize: ["kattaroq*", "katta o'lcham*", "katta hajm*"]),
                ["ha", "xo'p", "mayli", "albatta", "olaman", "qo'shing", "roziman"],
                ["yo'q", "kerak emas", "shart emas", "hozir emas", "olmayman"],
                ["zo'r", "ajoyib", "a'lo", "yoqdi", "mamnun*", "juda yaxshi"],
                ["yomon", "qimmat", "norozi*", "shikoyat*", "muammo*"]),
            ["az"] = new(
                ["salam", "xoş gəlmisiniz", "sabahınız xeyir", "günortanız xeyir", "axşamınız xeyir"],
                Offers(
                    warranty: ["zəmanət*", "qarantiya*"],
                    accessories: ["qoruyucu qab*", "örtük*", "ekran qoruyucu*", "qulaqlıq*", "adapter*", "aksesuar*"],
                    insurance: ["sığorta*"],
                    subscription: ["abunə*", "üzvlük*", "bonus kart*"],
                    biggerSize: ["daha böyük", "böyük ölçü*", "böyük paket*"]),
                ["bəli", "hə", "olar", "razıyam", "alıram", "əlavə edin", "əlbəttə"],
                ["xeyr", "yox", "lazım deyil", "istəmirəm", "indi yox"],
                ["əla", "gözəl", "super", "məmnun*", "çox yaxşı", "bəyəndim"],
                ["pis", "bahalı", "narazı*", "şikayət*", "problem*"]),
            ["tr"] = new(
                ["merhaba", "hoş geldiniz", "günaydın", "iyi günler", "iyi akşamlar", "selam"],
                Offers(
                    warranty: ["garanti*", "uzatılmış garanti*"],
                    accessories: ["kılıf*", "ekran koruyucu*", "şarj aleti*", "kulaklı*", "aksesuar*"],
                    insurance: ["sigorta*"],
                    subscription: ["abonelik*", "üyelik*", "sadakat kart*", "aylık paket*"],
                    biggerSize: ["daha büyük", "büyük boy*", "büyük beden*", "bir beden büyük", "büyük paket*"]),
                ["evet", "tamam", "olur", "alayım", "alırım", "ekleyin", "tabii", "kesinlikle", "neden olmasın"],
                ["hayır", "istemiyorum", "istemem", "gerek yok", "şimdilik değil", "almayayım", "ihtiyacım yok"],
                ["harika", "güzel", "mükemmel", "süper", "memnun*", "çok iyi", "beğendim"],
                ["kötü", "berbat", "pahalı", "memnun değil*", "şikayet*", "sorun*", "yavaş", "rezalet"]),
        };

        var farewells = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["en"] = ["thank you", "thanks", "goodbye", "bye", "have a nice day", "have a good day", "see you"],
            ["ru"] = ["спасибо", "благодарю", "до свидания", "всего доброго", "хорошего дня"],
            ["uz"] = ["rahmat", "xayr", "salomat bo'ling", "ko'rishguncha"],
            ["az"] = ["təşəkkür*", "sağ olun", "sağ ol", "görüşənədək", "hələlik"],
            ["tr"] = ["teşekkür*", "sağ olun", "hoşça kalın", "görüşmek üzere", "güle güle", "iyi günler"],
        };

        ChecklistItem[] checklist =
        [
            new(GreetingItem, "Greeted the customer", languages.ToDictionary(l => l.Key, l => l.Value.Greetings, StringComparer.Ordinal)),
            new(OfferItem, "Offered an additional product or service", languages.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)[.. l.Value.UpsellOffers.Values.SelectMany(p => p)], StringComparer.Ordinal)),
            new(FarewellItem, "Thanked the customer or said goodbye", farewells),
        ];
        return new AnalysisProfile(languages, checklist);
    }

    private static Dictionary<string, IReadOnlyList<string>> Offers(string[] warranty, string[] accessories, string[] insurance, string[] subscription, string[] biggerSize) =>
        new(StringComparer.Ordinal)
        {
            [Warranty] = warranty,
            [Accessories] = accessories,
            [Insurance] = insurance,
            [Subscription] = subscription,
            [BiggerSize] = biggerSize,
        };
}
