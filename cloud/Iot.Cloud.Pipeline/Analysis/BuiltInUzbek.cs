namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Uzbek counter talk, Latin and Cyrillic script (SOV; both scripts in one list, apostrophes and ў/қ/ғ/ҳ folded).
/// Offers: -asizmi / -aylikmi questions (olasizmi, qo'shaylikmi), "kerakmi?", taklif/tavsiya qilaman, conditionals by
/// suffix (-sangiz: olsangiz), "X ga nima deysiz?", campaigns (chegirma, aksiya). Negation follows: "yaxshi emas".
/// </summary>
internal static class BuiltInUzbek
{
    public static LanguagePhrases Phrases { get; } = new(
        ["assalomu alaykum", "salom", "xush kelibsiz", "xayrli kun", "xayrli tong", "ассалому алайкум", "салом", "хуш келибсиз", "хайрли кун"],
        BuiltInProfiles.Products(
            warranty: ["kafolat*", "garantiya*", "кафолат*", "гарантия*"],
            accessories: ["g'ilof*", "chexol*", "himoya oyna*", "himoya*", "quloqchin*", "zaryad*", "aksessuar*", "kabel*", "sumka*", "oyna*", "g'лоф*", "ғилоф*", "чехол*", "ҳимоя*", "химоя*", "қулоқчин*", "кулокчин*", "заряд*", "аксессуар*", "кабел*", "сумка*", "ойна*", "naushnik*", "наушник*", "plyonka*", "плёнка*", "пленка*"],
            insurance: ["sug'urta*", "суғурта*", "сугурта*"],
            service: ["obuna*", "a'zolik*", "bonus karta*", "o'rnatish*", "yetkazib berish*", "yetkazish*", "tozalash*", "xizmat*", "sozlash*", "paket*", "karta*", "обуна*", "аъзолик*", "бонус карта*", "ўрнатиш*", "урнатиш*", "етказиб бериш*", "тозалаш*", "хизмат*", "созлаш*", "пакет*", "карта*"],
            premium: ["kattaroq*", "katta*", "yangi model*", "pro", "max", "ultra", "plus", "premium", "yaxshiroq*", "kuchliroq*", "256*", "512*", "128*", "каттароқ*", "каттарок*", "катта*", "янги модел*", "яхшироқ*", "яхширок*", "про"]),
        ["ha", "xo'p", "mayli", "albatta", "bo'lsin", "бўлсин", "shu bo'lsin", "шу бўлсин", "olaman", "qo'shing", "roziman", "bo'pti", "bo'ladi", "yaxshi", "kelishdik", "qo'shib qo'ying", "olamiz", "zo'r fikr", "yaxshi fikr", "зўр фикр", "яхши фикр", "ha albatta", "ha qo'shing", "ҳа", "ха", "хўп", "майли", "албатта", "оламан", "қўшинг", "розиман", "бўпти", "бўлади", "яхши", "келишдик", "қўшиб қўйинг", "oldim", "олдим", "qiling", "bering", "қилинг", "беринг", "оламиз"],
        ["yo'q", "yo'q albatta", "йўқ албатта", "kerak emas", "shart emas", "olmayman", "kerakmas", "menda bor", "xohlamayman", "qolsin", "yo'q rahmat", "hojati yo'q", "keragi yo'q", "hozir emas", "hozircha yo'q", "йўқ", "керак эмас", "шарт эмас", "олмайман", "керакмас", "менда бор", "хоҳламайман", "қолсин", "ҳожати йўқ", "кераги йўқ", "ҳозир эмас", "ҳозирча йўқ", "yetarli", "етарли", "bo'lmaydi", "бўлмайди", "yetadi", "етади", "shuning o'zi yetadi", "шунинг ўзи етади", "кераkmas", "o'zim", "ўзим", "oddiysi", "оддийси", "buyurtma berganman", "буюртма берганман", "ishlatmayman", "ишлатмайман"],
        ["zo'r", "ajoyib", "a'lo", "yoqdi", "mamnun*", "juda yaxshi", "katta rahmat", "qoyil", "juda yoqdi", "xursand*", "зўр", "ажойиб", "аъло", "ёқди", "мамнун*", "жуда яхши", "катта раҳмат", "қойил", "хурсанд*"],
        ["yomon", "qimmat", "juda qimmat", "norozi*", "shikoyat*", "muammo*", "yoqmadi", "xafa*", "jahl*", "sifatsiz", "dahshat*", "shu yetmay turuvdi", "шу етмай турувди", "ёмон", "қиммат", "жуда қиммат", "норози*", "шикоят*", "муаммо*", "ёқмади", "хафа*", "сифатсиз", "даҳшат*"],
        OfferFrames:
        [
            // rules/6: offer acts by grammar (see cloud/Iot.Cloud.Pipeline/README.md, rules/6).
            "{item} atigi|faqat|bor_yo'g'i|атиги|фақат|бор_йўғи ~ qimmatroq|ko'proq|farq|қимматроқ|кўпроқ|фарқ .",
            // rules/6: with "ham" (also) an optative is an add-on, never the exchange a customer cue (almashtir*) would make it.
            "! {item} ham|ҳам|хам *aylikmi|*aymi|*ylikmi|*айликми|*айми|*йликми ??",
            "{item} ?ham|хам olasizmi|olmaysizmi|olasiz_mi|xohlaysizmi|xohlamaysizmi|qo'shaylikmi|qo'shamizmi|qo'shib_qo'yaymi|qo'shib_beraymi|ko'rasizmi|ko'rib_chiqasizmi|sinab_ko'rasizmi|kerakmi|kerak_emasmi|olib_ko'rasizmi|qilasizmi|qildirasizmi|o'rnataylikmi|o'rnatib_beraylikmi|qo'shaymi|olasizmi?",
            "{item} ?ham|хам оласизми|олмайсизми|хоҳлайсизми|хоҳламайсизми|қўшайликми|қўшамизми|қўшиб_қўяйми|қўшиб_берайми|кўрасизми|кўриб_чиқасизми|синаб_кўрасизми|керакми|керак_эмасми|олиб_кўрасизми|қиласизми|қилдирасизми|ўрнатайликми|қўшайми",
            "{item} ?ham|хам taklif_qilaman|taklif_qilamiz|taklif_qilardim|taklif_qila_olaman|taklif_etaman|tavsiya_qilaman|tavsiya_qilamiz|tavsiya_beraman|tavsiya_etaman|maslahat_beraman|maslahat_beramiz",
            "{item} ?ham|хам таклиф_қиламан|таклиф_қиламиз|таклиф_қилардим|таклиф_этаман|тавсия_қиламан|тавсия_қиламиз|тавсия_бераман|тавсия_этаман|маслаҳат_бераман|маслаҳат_берамиз",
            "{item} ?ham|хам *sangiz|*сангиз",
            "{item} ?ham|хам olishingiz_mumkin|qo'shishimiz_mumkin|olsangiz_bo'ladi|олишингиз_мумкин|қўшишимиз_мумкин",
            "{item} ?uchun|учун ?ham|хам chegirma*|aksiya*|skidka*|чегирма*|акция*|скидка*",
            "{item} nima_deysiz|qalay|нима_дейсиз|қалай ??",
            "yana|shuningdek|bundan_tashqari|qo'shimcha|яна|шунингдек|бундан_ташқари|қўшимча {item} bor|mavjud|taklif_qilamiz|бор|мавжуд|таклиф_қиламиз",
            "{item} ?ham|хам oling|sinab_ko'ring|ko'rib_chiqing|олинг|синаб_кўринг|кўриб_чиқинг",
            "{item} ?ham|ҳам unutmang|unutmaylik|унутманг|унутмайлик",
            "men|мен bo'lsam|бўлсам {item} olardim|tanlardim|qo'shardim|олардим|танлардим|қўшардим",
            "{item} ?ham|ҳам olardim|tanlardim|олардим|танлардим",
            "{item} ?ham|ҳам ?biz|men qilaylikmi|qilaymi|beraymi|beraylikmi|o'rnataymi|қилайликми|қилайми|берайми|берайликми|ўрнатайми ??",
            "{item} yaxshiroq|qulayroq|foydaliroq|arzonroq|яхшироқ|қулайроқ|фойдалироқ bo'ladi|bo'lardi|бўлади|бўларди",
            // Need checks, social proof, bundles, price nudges and the seller proposing to act, in both scripts.,
            "{item} ?ham|ҳам haqida|ҳақида|haqda o'ylab_ko'rdingizmi|ўйлаб_кўрдингизми|o'ylab_ko'rganmisiz|ўйлаб_кўрганмисиз",
            "uyda|уйда ?allaqachon {item} bormi|борми ??",
            "ko'pchilik|кўпчилик|ko'pi|кўпи|hamma|ҳамма|xaridorlar*|харидорлар*|olganlar*|олганлар* ~ {item} ?ham|ҳам oladi|олади|tanlaydi|танлайди|qo'shadi|қўшади|olishadi|олишади",
            "yoniga|ёнига {item} yarim_narxda|ярим_нархда|chegirmada|чегирмада|sovg'a|совға|bepul|бепул",
            "{item} bilan|билан birga|бирга to'plam|тўплам|aksiya*|акция*|chegirma*|чегирма*",
            "{item} sizniki|сизники bo'ladi|бўлади",
            "xohlasangiz|хоҳласангиз ~ {item} ?hoziroq|ҳозироқ qo'shaman|қўшаман|qo'shib_qo'yaman|қўшиб_қўяман|beraman|бераман|ko'rsataman|кўрсатаман",
            "sizga|сизга {item} ko'rsatay|кўрсатай|ko'rsataman|кўрсатаман",
            "{item} ?ham|ҳам juda|жуда|rosa|роса asqotadi|асқотади",
            // rules/4, act-level structures by suffix (folded: apostrophes dropped, ў→у, қ→к, ғ→г, ҳ→х).
            // 1st-person optative questions: "G'ilofni ham qo'shaylikmi?", "Plyonka yopishtiraymi?".
            "{item} ?ham|хам *aylikmi|*aymi|*ayinmi|*ylikmi|*ymi|*айликми|*айми|*айинми|*йликми|*йми ??",
            "{item} ?ham|хам *aylik|*ay|*айлик|*ай mi|ми ??",
            // The seller can do it: "Filtrni ham almashtira olamiz", "Katta qilib bera olaman".
            "{item} ?ham|хам *a|*ib|*а|*иб olamiz|olaman|beramiz|beraman|оламиз|оламан|берамиз|бераман .",
            "{item} bilan|билан ?juda|жуда ?yaxshi|zo'r|яхши|зўр ketadi|mos_keladi|кетади|мос_келади|yarashadi|ярашади",
            "farqi|фарқи|qo'shimcha|қўшимча ~ {item} bor|olsa_bo'ladi|бор .",
            "kelganingizda|кelganingizda|келганингизда|shu_yerda_ekansiz|шу_ерда_экансиз ~ {item}",
        ],
        CustomerCues: ["bersangiz", "берсангиз", "qayerda", "qaytar*", "almashtir*", "buzil*", "buzuq", "ishlamayapti", "ishlamaydi", "qoplaydimi", "qoplaydi", "kiradimi", "mening", "sotib oldim", "qidiryapman", "menga", "necha pul", "qancha turadi", "narxi qancha", "tuzat*", "қаерда", "қайтар*", "алмаштир*", "бузил*", "бузуқ", "ишламаяпти", "ишламайди", "қоплайдими", "қоплайди", "кирадими", "менинг", "сотиб олдим", "қидиряпман", "менга", "неча пул", "қанча туради", "нархи қанча", "тузат*"],
        Hedges: ["ko'raman", "qarab ko'raman", "кўраман", "қараб кўраман", "so'ray", "сўрай", "maslahatlashay", "маслаҳатлашай", "balki", "o'ylab ko'raman", "o'ylab ko'ray", "keyinroq", "keyin", "bilmadim", "ishonchim yo'q", "hozircha bilmayman", "hali bilmayman", "qaror qilmadim", "ko'rarmiz", "балки", "ўйлаб кўраман", "ўйлаб кўрай", "кейинроқ", "кейин", "билмадим", "ишончим йўқ", "ҳозирча билмайман", "ҳали билмайман", "кўрармиз"],
        Neutral: ["muammo yo'q", "muammo emas", "hechqisi yo'q", "arzimaydi", "муаммо йўқ", "муаммо эмас", "ҳечқиси йўқ", "арзимайди"],
        // Purchase cues (issue 19): the customer takes, orders, prices or pays for something; the till's side of it.
        Purchase: ["olaman", "olamiz", "sotib olaman", "sotib olmoqchiman", "shuni olaman", "shu bo'lsin", "bersangiz", "qancha turadi", "qanchaga", "necha pul", "narxi", "narxi qancha", "qancha bo'ladi", "karta bilan", "naqd", "to'layman", "to'lov", "mana chekingiz", "chekingiz paketda",
                   "оламан", "оламиз", "сотиб оламан", "сотиб олмоқчиман", "шуни оламан", "шу бўлсин", "берсангиз", "қанча туради", "қанчага", "неча пул", "нархи", "нархи қанча", "қанча бўлади", "карта билан", "нақд", "тўлайман", "тўлов", "мана чекингиз", "чекингиз пакетда"]);

    public static LanguageGrammar Grammar { get; } = new(
        ItemStops: ["uchun", "chunki", "lekin", "ammo", "agar", "ya'ni", "hozir", "bugun", "bilan", "учун", "чунки", "лекин", "аммо", "агар", "яъни", "ҳозир", "бугун", "билан"],
        ItemFillers: ["ham", "sizga", "sizning", "yana", "shuningdek", "qo'shimcha", "balki", "albatta", "bir", "va", "bu", "bunga", "unga", "telefoningizga", "telefonga", "хам", "ҳам", "сизга", "сизнинг", "яна", "шунингдек", "қўшимча", "балки", "албатта", "бир", "ва", "бу", "бунга", "унга", "телефонингизга", "телефонга"],
        NonItems: ["kerak", "керак", "shunchaki", "шунчаки", "ha", "yo'q", "mayli", "yaxshi", "boshqa", "narsa", "chek", "paket", "to'lov", "naqd", "karta", "nima", "qaysi", "qanday", "siz", "sizga", "buni", "uni", "bu", "u", "hozir", "salom", "men", "biz", "pul", "yordam", "nega", "ҳа", "ха", "йўқ", "майли", "яхши", "бошқа", "нарса", "чек", "тўлов", "нақд", "нима", "қайси", "қандай", "сиз", "сизга", "буни", "уни", "бу", "у", "ҳозир", "салом", "мен", "биз", "пул", "ёрдам", "нега", "hafta", "kun", "bugun", "oy", "ertaga", "daqiqa", "rostdan", "ростдан", "rostan", "ростан", "haqiqatan", "ҳақиқатан", "ҳафта", "кун", "бугун", "ой", "эртага", "дақиқа"],
        Determiners: ["bir", "bu", "yangi", "qo'shimcha", "бир", "бу", "янги", "қўшимча"],
        PreNegators: [],
        PostNegators: ["emas", "emasman", "emasmiz", "emasdi", "эмас", "эмасман", "эмасмиз"],
        SellerService: ["qanday yordam bera olaman", "sizga qanday yordam", "nima qidiryapsiz", "xush kelibsiz", "jami", "chekingiz", "yaxshi tanlov", "boshqa narsa", "қандай ёрдам бера оламан", "сизга қандай ёрдам", "нима қидиряпсиз", "хуш келибсиз", "жами", "чекингиз", "яхши танлов", "бошқа нарса"],
        Contrast: ["lekin", "ammo", "biroq", "лекин", "аммо", "бироқ"],
        Deferrals: ["hozir emas", "hozircha yo'q", "ҳозир эмас", "ҳозирча йўқ"],
        Attachments: ["yoniga", "unga", "bunga", "buning uchun", "ёнига", "унга", "бунга", "бунинг учун"],
        ImperativeEndings: ["ing", "инг"],
        NegativeImperativeEndings: ["mang", "манг"],
        NotImperatives: ["qoying", "куйинг", "turing", "туринг", "boling", "булинг", "mening", "sizning", "uning", "bizning", "ularning", "buning", "shuning", "менинг", "сизнинг", "унинг", "бизнинг", "уларнинг", "бунинг", "шунинг"],
        Conditionals: ["agar", "агар"],
        ConditionalEndings: ["sa", "са"],
        AnswerParticles: ["ha", "xo'p", "yo'q", "ҳа", "ха", "хўп", "йўқ"],
        Acknowledgements: ["mayli", "yaxshi", "tushunarli", "майли", "яхши", "тушунарли"],
        Restrictors: ["faqat", "faqatgina", "hozircha", "фақат", "фақатгина", "ҳозирча"],
        Interjections: ["voy", "hmm", "e", "a", "o", "вой", "э", "а", "о", "ҳм"],
        Thanks: ["rahmat", "katta", "раҳмат", "катта", "sizga", "сизга"],
        QuestionWords: ["nima", "nimani", "qanday", "qaysi", "qayerda", "qachon", "kim", "qancha", "нима", "нимани", "қандай", "қайси", "қаерда", "қачон", "ким", "қанча"],
        ChoiceMarkers: ["bo'lsin", "бўлсин"]);
}
