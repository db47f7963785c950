namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Turkish counter talk (SOV: the product comes before the verb). Offers are second-person or inclusive questions
/// (ister misiniz, alır mısınız, ekleyelim mi, olsun mu), recommendations (öneririm, tavsiye ederim), ability
/// (alabilirsiniz), conditionals by suffix (-sanız/-seniz: alırsanız, eklerseniz), "ne dersiniz / nasıl olur",
/// campaigns (indirimde, kampanya var). Negation is a suffix or a following "değil" (memnun değilim).
/// </summary>
internal static class BuiltInTurkish
{
    public static LanguagePhrases Phrases { get; } = new(
        ["merhaba", "hoş geldiniz", "günaydın", "iyi günler", "iyi akşamlar", "selam"],
        BuiltInProfiles.Products(
            warranty: ["garanti*", "uzatılmış garanti*", "ek garanti*", "koruma paket*", "koruma plan*"],
            accessories: ["kılıf*", "ekran koruyucu*", "koruyucu*", "şarj*", "kulaklı*", "aksesuar*", "kablo*", "çanta*", "kapak*", "cam*", "kordon*", "adaptör*", "powerbank*", "mouse*", "fare*", "klavye*", "hafıza kart*", "pil*", "stand*", "tutucu*"],
            insurance: ["sigorta*"],
            service: ["abonelik*", "üyelik*", "sadakat kart*", "aylık paket*", "kurulum*", "montaj*", "teslimat*", "kargo*", "temizli*", "bakım*", "servis*", "hizmet*", "veri aktarım*", "paket*", "kart*", "tarife*"],
            premium: ["daha büyük*", "büyük*", "bir üst*", "üst model*", "pro", "max", "ultra", "plus", "premium", "yeni model*", "256*", "512*", "128*", "daha iyi*", "geniş*"]),
        ["evet", "tamam", "olur", "alayım", "alırım", "ekleyin", "ekle", "tabii", "tabi", "tabii ki", "kesinlikle", "neden olmasın", "peki", "olsun", "anlaştık", "memnuniyetle", "alalım", "evet lütfen", "tamamdır", "hay hay", "elbette", "ekleyelim", "ikna oldum", "alıyorum", "alacağım", "uygun", "iyi olur", "fena olmaz", "güzel olur", "harika olur", "olsun bakalım", "süper fikir", "iyi fikir", "güzel fikir", "harika fikir", "mantıklı", "yapın", "koyun", "verin", "kurun", "getirin", "gönderin", "ekleyin bakalım", "yapın bakalım", "alalım bakalım", "deneyelim", "alırız", "ekleyebilirsiniz", "yapalım", "koyalım"],
        ["hayır", "yok tabii", "yok tabii ki", "hayır tabii ki", "pek değil", "istemiyorum", "istemem", "gerek yok", "gerekmez", "almayayım", "almayacağım", "almıyorum", "ihtiyacım yok", "ihtiyaç yok", "kalsın", "yok", "zaten var", "bende var", "olmasın", "lazım değil", "olmaz", "istemiyoruz", "yeterli", "yeter", "gerek görmüyorum", "şimdilik değil", "şimdilik yok", "hiç gerek yok", "teşekkürler gerek yok", "sağ olun gerek yok", "almam", "eklemeyin", "sağ olun almayayım", "bu kadarı yeter", "yeterli", "bana yeter", "kendim", "zaten sipariş", "normal olsun", "gerek yok", "kullanmıyorum", "kullanmam"],
        ["harika", "mükemmel", "süper", "memnun*", "çok iyi", "beğendim", "çok teşekkürler", "çok teşekkür ederim", "çok sağ olun", "bayıldım", "şahane", "müthiş", "harikasınız", "sevindim", "mutlu*", "çok güzel hizmet", "güzel hizmet"],
        ["kötü", "berbat", "pahalı", "çok pahalı", "şikayet*", "sorun*", "yavaş", "rezalet", "memnun değil*", "beğenmedi*", "hayal kırıklı*", "sinir*", "kızgın*", "üzgün*", "kabul edilemez", "saçma*", "problem*", "bir bu eksikti", "memnun kalmadı*", "beğenmedi*", "sevmedi*", "hoşlanmadı*", "hoşuma gitmedi", "beklemekten", "hiç memnun"],
        OfferFrames:
        [
            // rules/6: offer acts by grammar (see cloud/Iot.Cloud.Pipeline/README.md, rules/6).
            "{item} sadece|yalnızca|yalnız ~ fazla|pahalı|farkla|fark_ediyor .",
            "teklifimiz|kampanyamız|fırsatımız var {item}",
            "{item} ?ile|la|le ?çok|pek|gayet ?iyi|güzel|hoş gider|yakışır .",
            "{item} ?de|da ?almak|eklemek|denemek|bakmak|görmek|edinmek|yaptırmak|geçmek|olmak|incelemek ister|istemez misiniz|misin|miydiniz|mi|mısınız|musunuz",
            "{item} ?de|da istermisiniz|istermisin|istemezmisiniz",
            "{item} ?de|da alır|bakar|düşünür|dener|ekler|yaptırır|geçer|inceler|kullanır misiniz|musunuz|misin|musun",
            "{item} ?de|da ekleyelim|ekleyeyim|alalım|verelim|koyalım|koyayım|yapalım|yapayım|takalım|takayım|paketleyeyim|gösterelim|göstereyim|bakalım|geçelim|hazırlayalım|hazırlayayım|yazalım|tanımlayalım mı|mi",
            "{item} ?de|da olsun mu",
            "{item} ilginizi|ilgini çeker|çekermi|çekerse",
            "{item} ?de|da öneririm|önerebilirim|öneriyorum|öneririz|önerebiliriz|öneriyoruz|tavsiye_ederim|tavsiye_ediyorum|tavsiye_ederiz|tavsiye_edebilirim|tavsiye_edebiliriz|öneri",
            "{item} ?de|da alabilirsiniz|ekleyebilirsiniz|ekleyebiliriz|ekleyebilirim|yapabiliriz|verebiliriz|sunabiliriz|bakabilirsiniz|deneyebilirsiniz|geçebilirsiniz|edinebilirsiniz|sahip_olabilirsiniz|takabiliriz|yaptırabilirsiniz",
            "{item} ?de|da *sanız|*seniz",
            "{item} ile ~ indirim*|kampanya*|bedava|hediye|puan*",
            "{item} ?de|da ?için ?de|da indirim*|kampanya*|fırsat*|promosyon*",
            "{item} ?de|da sunuyoruz|sunabiliriz|öneriyoruz|veriyoruz|verebiliriz",
            "^ peki|ya|bir_de|ayrıca {item} ??",
            "{item} nasıl olur|olurdu",
            "{item} ne dersiniz|dersin",
            "ayrıca|ek_olarak|bunun_yanında|yanında|bir_de|hem_de {item} var|da_var|de_var|sunuyoruz|mevcut|bulunuyor|bulunur|satıyoruz",
            "{item} ?de|da mutlaka|kesinlikle ?alın|deneyin|bakın|düşünün|göz_atın|inceleyin|kullanın",
            "{item} ?de|da alın|deneyin|düşünün|göz_atın|inceleyin",
            "{item} yükseltmek|yükseltelim|yükseltebiliriz|yükseltebilirsiniz",
            "farkla|fazlasına|farkıyla|ekstrayla {item}",
            "{item} ?de|da unutmayın|unutmayalım",
            "{item} de|da ekleyin|alın|ekleyelim|alalım",
            "{item} daha ?mantıklı|iyi|uygun|avantajlı|kullanışlı|hesaplı mantıklı|iyi|uygun|avantajlı|kullanışlı|hesaplı olur|olurdu|olabilir",
            "ben_olsam|ben_sizin_yerinizde_olsam {item} alırdım|seçerdim|eklerdim|tercih_ederdim",
            // Need checks: "X lazım olur mu?", "Evde X var mı?", "X'i hiç düşündünüz mü?".,
            "{item} ?de|da ?size lazım|gerekli olur|olabilir|olmaz mu|mi|mı ??",
            "evde|evinizde ?zaten {item} var mı|mi ??",
            "{item} ?de|da ?hiç düşündünüz|düşündün|düşünmüş_müydünüz|düşündünüz_mü",
            // Social proof.,
            "çoğu|herkes|müşterilerimizin_çoğu|müşterilerimiz|alanlar|insanlar ~ {item} ?de|da alıyor|alır|alıyorlar|tercih_ediyor|tercih_eder|seçiyor|seçer|ekliyor|ekletiyor",
            // Bundles and price nudges.,
            "yanında|yanına {item} yarı_fiyatına|indirimli|hediye|bedava|ücretsiz|uygun",
            "{item} ile birlikte|beraber paket|set|kampanya*|indirim*|daha_uygun",
            "{item} sizin|senin olsun",
            "{item} ?de|da ?hemen|şimdi|direkt ekleyelim|ekleyeyim|paketleyeyim|koyayım|koyalım|hazırlayayım|yazayım mı|mi ??",
            "{item} ?de|da çok|gerçekten|baya işe_yarıyor|işe_yarar",
            // rules/4, act-level structures by suffix (folded: ı→i, ş→s, ğ→g).
            // 1st-person optative questions: "Kılıfı da takalım mı?", "Garantiyi ekleyeyim mi?".
            "{item} ?de|da *alim|*elim|*yalim|*yelim|*ayim|*eyim|*yayim|*yeyim mi|mi ??",
            // The seller can do it: "Kurulumu da yapabiliriz", "Büyük boy yapabilirim".
            "{item} ?de|da *abiliriz|*ebiliriz|*abilirim|*ebilirim .",
            // With "de/da" (also) it is an add-on, never the exchange a customer cue (değiştir*) would make it.
            "! {item} de|da *alim|*elim|*yalim|*yelim mi|mi ??",
            "! {item} de|da *abiliriz|*ebiliriz .",
            "{item} ile|bununla|onunla ?çok|harika|güzel|çok_güzel ?gider|yakışır|uyar|uyumlu",
            "fark ~ {item} var|alabilirsiniz|olur .",
            "buradayken|hazır_gelmişken|gelmişken ~ {item}",
            "{item} *dan|*den ikinci|ikincisi yarı_fiyatına|bedava|hediye",
        ],
        CustomerCues: ["nerede", "nerde", "iade", "geri vermek", "geri almak", "değişim", "değiştir*", "bozul*", "bozuk", "çalışmıyor", "arızalı", "arıza", "kapsıyor mu", "kapsar mı", "karşılıyor mu", "kapsamında mı", "kapsamına", "benim", "aldım", "satın aldım", "arıyorum", "istiyorum", "ne kadar", "kaç para", "kaç lira", "bana lazım", "lazımdı", "lazım oldu", "bana", "tamir"],
        Hedges: ["bakarım", "bakacağım", "belki", "düşüneyim", "düşüneceğim", "düşünürüm", "bakarız", "sonra", "daha sonra", "emin değilim", "bilmiyorum", "bir düşüneyim", "sonra bakarım", "karar veremedim", "bakalım", "göreceğiz", "bilemedim", "şimdilik bilmiyorum", "sonra gelirim", "sonraya"],
        Neutral: ["sorun değil", "sorun yok", "problem değil", "problem yok", "rica ederim", "önemli değil", "estağfurullah", "dert değil"],
        // Purchase cues (issue 19): the customer takes, orders, prices or pays for something; the till's side of it.
        Purchase: ["alayım", "alalım", "alıyorum", "alacağım", "alırım", "satın al*", "bu olsun", "bunu istiyorum", "alabilir miyim", "verir misiniz", "paket yapar mısınız", "ne kadar", "kaç para", "kaç lira", "kaça", "fiyatı", "fiyatı ne", "ücreti ne", "kartla", "kredi kartı", "nakit", "öderim", "ödeyeceğim", "ödeme", "kartı yaklaştır*", "kartınızı", "fişiniz burada", "buyurun fişiniz", "kasaya"]);

    public static LanguageGrammar Grammar { get; } = new(
        ItemStops: ["için", "çünkü", "ama", "fakat", "eğer", "yani", "şimdi", "bugün", "hemen", "bunun", "onun", "ki", "veya", "ile"],
        ItemFillers: ["var", "mevcut", "da", "de", "size", "sizin", "yanına", "yanında", "ayrıca", "peki", "özellikle", "mutlaka", "hemen", "şimdi", "belki", "hem", "ek", "olarak", "ve", "bu", "buna", "ona", "telefonunuza", "telefona", "bilgisayarınıza", "hazır", "gelmişken", "acaba", "bir", "de", "kesinlikle"],
        NonItems: ["evet", "hayır", "tamam", "baska", "başka", "şey", "şeyi", "bir şey", "fiş", "fişi", "poşet", "ödeme", "nakit", "kart", "kartla", "ne", "hangi", "nasıl", "siz", "size", "sizin", "bunu", "bunları", "onu", "onları", "bu", "şu", "o", "hemen", "şimdi", "peki", "tabii", "merhaba", "hoş", "geldiniz", "lütfen", "ben", "biz", "iade", "para", "yardım", "neden", "niye", "olur", "memnun", "fiyat", "fiyatı", "ne", "kaç", "hafta", "gün", "bugün", "ay", "yarın", "dakika"],
        Determiners: ["bir", "bu", "şu", "yeni", "ek", "ekstra", "ayrı", "güzel", "iyi"],
        PreNegators: [],
        PostNegators: ["değil", "değilim", "değiliz", "değildi", "değildir", "değilsiniz"],
        SellerService: ["nasıl yardımcı olabilirim", "size nasıl yardımcı", "yardımcı olabilir miyim", "hoş geldiniz", "ne arıyorsunuz", "toplam", "fişiniz", "buyurun fişiniz", "iyi günlerde kullanın", "güle güle kullanın", "başka bir şey", "başka bir isteğiniz", "güzel seçim", "harika seçim"],
        Contrast: ["ama", "fakat", "ancak", "lakin"],
        Deferrals: ["şimdilik değil", "şimdilik yok"],
        Attachments: ["yanına", "yanında", "bunun için", "onun için", "buna", "ona"],
        ImperativeEndings: ["in", "un", "yin", "yun"],
        NegativeImperativeEndings: ["mayin", "meyin"],
        NotImperatives: ["olun", "buyurun", "icin", "bugun", "dun", "gun", "butun", "sizin", "onun", "bunun", "sunun", "kimin", "neyin", "benim", "urun", "uzun", "once", "sonun", "ayin", "yarin", "kolun", "lutfen", "hosun"],
        Conditionals: ["eğer", "şayet"],
        ConditionalEndings: ["rsa", "rse", "ysa", "yse", "lsa", "lse", "ksa", "kse", "msa", "mse", "nsa", "nse"],
        AnswerParticles: ["evet", "hayır", "yok"],
        Acknowledgements: ["tamam", "peki", "anladım", "tamamdır"],
        Restrictors: ["sadece", "yalnız", "yalnızca", "bir tek", "şimdilik"],
        Interjections: ["aa", "ay", "hmm", "ıı", "şey", "ya", "of", "hah", "e", "o", "yani"],
        Thanks: ["teşekkürler", "teşekkür", "ederim", "sağ", "olun", "sağol", "çok"],
        QuestionWords: ["ne", "neyi", "nasıl", "hangi", "hangisi", "hangisini", "nerede", "nereye", "ne_zaman", "kim", "kaç"],
        ChoiceMarkers: ["olsun"]);
}
