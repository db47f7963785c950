namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Azerbaijani counter talk (SOV). Offers: istəyirsiniz / istərdiniz, alarsınız / götürərsiniz, əlavə edək(mi),
/// təklif edirəm / tövsiyə edirəm / məsləhət görürəm, conditionals by suffix (-sanız/-səniz: alsanız, götürsəniz),
/// "bəs X necə?", campaigns (endirim, kampaniya). Negation follows the word: "razı deyiləm", "yaxşı deyil".
/// </summary>
internal static class BuiltInAzerbaijani
{
    public static LanguagePhrases Phrases { get; } = new(
        ["salam", "xoş gəlmisiniz", "sabahınız xeyir", "günortanız xeyir", "axşamınız xeyir"],
        BuiltInProfiles.Products(
            warranty: ["zəmanət*", "qarantiya*", "əlavə zəmanət*", "uzadılmış zəmanət*"],
            accessories: ["qoruyucu*", "örtük*", "qab*", "ekran qoruyucu*", "qulaqlıq*", "adapter*", "aksesuar*", "şarj*", "kabel*", "çanta*", "şüşə*", "kəmər*", "siçan*", "klaviatura*", "yaddaş kart*", "batareya*", "stend*", "tutacaq*"],
            insurance: ["sığorta*"],
            service: ["abunə*", "üzvlük*", "bonus kart*", "quraşdırma*", "çatdırılma*", "təmizləmə*", "xidmət*", "servis*", "sazlama*", "paket*", "kart*", "tarif*"],
            premium: ["daha böyük", "böyük*", "üst model*", "pro", "max", "ultra", "plus", "premium", "yeni model*", "256*", "512*", "128*", "daha yaxşı*", "güclü*"]),
        ["bəli", "hə", "olar", "razıyam", "alıram", "alaram", "əlavə edin", "əlbəttə", "əlbəttə ki", "yaxşı", "oldu", "götürürəm", "götürərəm", "niyə də yox", "mütləq", "gəlin", "razı", "elə olsun", "olsun", "əlavə edək", "qəbul edirəm", "hə əlavə edin", "maraqlıdır", "yaxşı fikirdir", "əla fikirdir", "gözəl fikirdir", "olsun", "edin", "verin", "qoyun", "quraşdırın", "gətirin", "razılaşdıq", "yazın", "edək", "alaq"],
        ["xeyr", "yox", "yox əlbəttə", "xeyr əlbəttə", "lazım deyil", "istəmirəm", "ehtiyac yoxdur", "ehtiyacım yoxdur", "almıram", "almayacağam", "qalsın", "məndə var", "artıq var", "yox sağ olun", "lazım olmaz", "gərək deyil", "indi yox", "hələlik yox", "istəmərəm", "lazım deyil sağ olun", "kifayətdir", "bəsdir", "almayacam", "almaram", "götürmürəm", "götürməyəcəm", "götürməyəcəyəm", "ehtiyac görmürəm", "istəmirik", "bəs edər", "bəsdir", "kifayət edər", "özüm", "artıq sifariş", "sifariş vermişəm", "adi olsun", "lazım deyil"],
        ["əla", "gözəl", "super", "məmnun*", "çox yaxşı", "bəyəndim", "çox sağ olun", "çox təşəkkür*", "möhtəşəm", "xoşuma gəldi", "sevindim", "əladır", "qəşəng", "razı qaldım"],
        ["pis", "bahalı", "çox bahalı", "narazı*", "şikayət*", "problem*", "bəyənmədim", "xoşuma gəlmədi", "məyus*", "əsəbi*", "biabırçılıq", "dəhşət*", "qəzəbli", "keyfiyyətsiz", "bu çatmırdı", "razı deyiləm"],
        OfferFrames:
        [
            // rules/6: offer acts by grammar (see cloud/Iot.Cloud.Pipeline/README.md, rules/6).
            "{item} cəmi|yalnız|sadəcə|ancaq ~ bahadır|artıqdır|fərqlə|fərqi_var .",
            "təklifimiz|kampaniyamız|aksiyamız var {item}",
            "{item} də|da *im|*um ??",
            "yanına|yanında {item} ~ gedir|yaraşır|uyğun_gəlir .",
            "{item} ?də|da|həm ?almaq|əlavə_etmək|baxmaq|görmək|sınamaq|keçmək|götürmək istəyirsiniz|istərdiniz|istəmirsiniz|istəyərsiniz|istəyirsinizmi|istərdinizmi ?mi|mı",
            "{item} ?də|da alarsınız|götürərsiniz|götürürsünüz|baxarsınız|sınayarsınız|alırsınız|alarsınızmı|götürərsinizmi|əlavə_edərsiniz ?mı|mi|mu",
            "{item} ?də|da əlavə_edək|əlavə_edim|əlavə_edəkmi|əlavə_edimmi|göstərim|göstərək|baxaq|yazaq|quraşdıraq|qablaşdırım ?mi|mı",
            "{item} ?də|da təklif_edirəm|təklif_edərdim|təklif_edə_bilərəm|təklif_edirik|təklif_edə_bilərik|tövsiyə_edirəm|tövsiyə_edərdim|tövsiyə_edərəm|tövsiyə_edirik|məsləhət_görürəm|məsləhət_görərdim|məsləhətdir|məsləhət_bilirəm",
            "{item} ?də|da ala_bilərsiniz|götürə_bilərsiniz|əlavə_edə_bilərik|əlavə_edə_bilərsiniz|keçə_bilərsiniz|sahib_ola_bilərsiniz",
            "{item} ?də|da *sanız|*səniz",
            "{item} ?üçün ?də|da endirim*|kampaniya*|aksiya*|fürsət*",
            "bəs {item} necə",
            "{item} nə_deyirsiniz|nə_deyirsiz ??",
            "{item} ?da|də unutmayın|unutmayaq|yaddan_çıxarmayın",
            "{item} ?da|də *əsiniz|*asınız ??",
            "{item} ?da|də ?biz|mən edək|edim|edəkmi|edimmi|quraq|quraşdıraq|gətirək|çatdıraq|yazaq ??",
            "{item} daha ?yaxşı|uyğun|sərfəli olar|olardı|olacaq",
            "mən|mən_sizin_yerinizə olsam|olsaydım {item} alardım|götürərdim|seçərdim|əlavə_edərdim|baxardım",
            "həmçinin|həm_də|əlavə_olaraq|yanında|bundan_başqa {item} var|təklif_edirik|mövcuddur|satırıq",
            "{item} ?də|da götürün|alın|baxın|sınayın",
            "{item} lazımdır|lazım_olar|lazımdırmı|lazım_deyil ?mi|mı ??",
            // Need checks, social proof, bundles and price nudges.,
            "{item} ?də|da ?sizə lazım olmaz|olar|olmazmı|olarmı ?mı|mi ??",
            "evdə|evinizdə ?artıq {item} var|varmı ?mı ??",
            "{item} ?də|da barədə|haqqında ?heç düşünmüsünüz|fikirləşmisiniz|düşünmüsüz",
            "hamı|çoxları|çoxu|müştərilər*|alanlar|insanlar ~ {item} ?də|da götürür|alır|seçir|əlavə_edir|götürürlər|alırlar|seçirlər",
            "yanına|yanında {item} yarı_qiymətə|endirimli|hədiyyə|pulsuz",
            "{item} ilə birlikdə|bərabər dəst|paket|kampaniya*|endirim*",
            "{item} sizin|sənin olsun",
            "fərq ~ {item} isə|daha|xeyli|çox",
            "{item} ?də|da çox|həqiqətən kömək_edir|işə_yarayır",
            // rules/4, act-level structures by suffix (folded: ə→e, ı→i, ş→s, ğ→g).
            // 1st-person plural optative questions: "Zəmanəti də rəsmiləşdirək?", "Şüşəni yapışdıraq?". The ending is
            // spelt out after each consonant but m, because the infinitive ("almaq olar?", a customer asking) ends -maq/-mək.
            "{item} ?da|de *baq|*bek|*caq|*cek|*daq|*dek|*faq|*fek|*gaq|*gek|*haq|*hek|*jaq|*jek|*kaq|*kek|*laq|*lek|*naq|*nek|*paq|*pek|*qaq|*qek|*raq|*rek|*saq|*sek|*taq|*tek|*vaq|*vek|*xaq|*xek|*yaq|*yek|*zaq|*zek ?mi ??",
            // The seller can do it: "Filtri də dəyişə bilərik", "Böyük edə bilərəm".
            "{item} ?da|de *a|*e|*ya|*ye bilerik|bilerem .",
            "{item} ile|bununla|onunla ?cox|lap ?gozel|yaxsi|ela gedir|yarasir|uygun_gelir",
            "artigina|ferqle|ferqi_ile|elave ~ {item} var|ola_biler|ala_bilersiniz .",
            "burdaykan|burada_ikan|gelmisken|yeri_gelmisken ~ {item}",
        ],
        CustomerCues: ["harada", "hardadır", "haradadır", "qaytar*", "dəyişmək istəyirəm", "dəyişdirmək istəyirəm", "dəyişə bilərəm", "dəyişdirə bilərəm", "dəyişmək olar", "dəyişdirmək olar", "dəyişdirin", "xarab", "işləmir", "sınıb", "sındı", "əhatə edir", "əhatə edirmi", "şamil olunur", "mənim", "aldım", "axtarıram", "istəyirəm", "mənə", "neçəyədir", "qiyməti nədir", "qiyməti neçə", "təmir"],
        Hedges: ["baxaram", "baxacam", "bəlkə", "fikirləşərəm", "fikirləşim", "fikirləşməliyəm", "düşünərəm", "düşünüm", "sonra", "hələ bilmirəm", "bilmirəm", "əmin deyiləm", "baxarıq", "sonraya", "görərik", "qərar verməmişəm", "sonra gələrəm"],
        Neutral: ["problem deyil", "problem yoxdur", "eybi yoxdur", "dəyməz", "narahat olmayın", "xahiş edirəm"],
        // Purchase cues (issue 19): the customer takes, orders, prices or pays for something; the till's side of it.
        Purchase: ["götürürəm", "götürək", "götürərəm", "alıram", "alaq", "alım", "alacam", "alaram", "bu olsun", "satın al*", "verin", "neçəyə", "neçəyədir", "neçə manat", "qiyməti", "qiymət", "nə qədərdir", "kartla", "nağd", "ödəyirəm", "ödəyəcəm", "ödəniş", "kartı yaxınlaşdır*", "buyurun çekiniz", "çekiniz paketdədir"]);

    public static LanguageGrammar Grammar { get; } = new(
        ItemStops: ["üçün", "çünki", "amma", "ancaq", "əgər", "yəni", "indi", "bu gün", "bunun", "onun", "ki", "və ya", "ilə"],
        ItemFillers: ["da", "də", "sizə", "sizin", "yanına", "yanında", "həm", "həmçinin", "əlavə", "olaraq", "bəs", "bəlkə", "bir", "mütləq", "hələ", "və", "bu", "buna", "ona", "telefonunuza", "telefona"],
        NonItems: ["bəli", "xeyr", "yaxşı", "başqa", "şey", "çek", "paket", "ödəniş", "nağd", "kart", "kartla", "nə", "hansı", "necə", "siz", "sizə", "sizin", "bunu", "onu", "bu", "o", "indi", "salam", "xoş", "zəhmət", "olmasa", "mən", "biz", "pul", "kömək", "niyə", "olar", "hə", "həftə", "gün", "ay", "sabah", "bu gün", "dəqiqə"],
        Determiners: ["bir", "bu", "yeni", "əlavə", "ekstra", "gözəl", "yaxşı"],
        PreNegators: [],
        PostNegators: ["deyil", "deyiləm", "deyilik", "deyildi", "deyilsiniz", "deyildir"],
        SellerService: ["sizə necə kömək", "necə kömək edə bilərəm", "nə axtarırsınız", "xoş gəlmisiniz", "cəmi", "çekiniz", "buyurun çekiniz", "xoş istifadə", "başqa bir şey", "yaxşı seçim", "əla seçim"],
        Contrast: ["amma", "ancaq", "lakin", "fəqət"],
        Deferrals: ["indi yox", "hələlik yox"],
        Attachments: ["yanına", "yanında", "bunun üçün", "onun üçün", "buna", "ona"],
        ImperativeEndings: ["in", "un", "yin", "yun"],
        NegativeImperativeEndings: ["mayin", "meyin"],
        NotImperatives: ["olun", "buyurun", "ucun", "bugun", "gun", "butun", "sizin", "onun", "bunun", "sunun", "kimin", "neyin", "menim", "uzun", "ayin", "sabahin", "qolun", "zehmetin"],
        Conditionals: ["əgər"],
        ConditionalEndings: ["rsa", "rse", "ysa", "yse", "lsa", "lse", "ksa", "kse", "msa", "mse", "nsa", "nse", "dirsa", "dirse"],
        AnswerParticles: ["bəli", "hə", "yox", "xeyr"],
        Acknowledgements: ["yaxşı", "oldu", "aydındır", "başa düşdüm"],
        Restrictors: ["sadəcə", "yalnız", "təkcə", "hələlik"],
        Interjections: ["aa", "ay", "hmm", "ee", "of", "o", "yəni", "vay"],
        Thanks: ["təşəkkür", "təşəkkürlər", "edirəm", "sağ", "olun", "sağol", "çox"],
        QuestionWords: ["nə", "nəyi", "necə", "hansı", "hansını", "harada", "haraya", "kim", "neçə"],
        ChoiceMarkers: ["olsun"]);
}
