namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// English counter talk. Offers are second-person modal questions ("would you like", "do you want"), staff
/// suggestions ("I'd recommend", "you might want"), clause-initial imperatives ("grab a case too"), also/extra
/// constructions ("we also have"), conditionals ("if you take X"), bundles, upgrades and price nudges ("for just
/// ten more you get"). The customer's turns are first person ("my", "I want to return") and questions about goods.
/// </summary>
internal static class BuiltInEnglish
{
    private const string You = "you_might|you_may|you_could|you_should|you_can|youd|youll|you_will|you_would|you_ll|you_d|you_also_might|you_might_also|you_may_also|you_could_also|you_can_also";
    private const string Get = "add|get|take|try|grab|have|buy|sign_up_for|join|open|make_it|pop_on|put_on|start|book|include|go_for|pick_up|see|look_at|consider|upgrade_to|check_out|throw_in|treat_yourself_to|go_with|opt_for|choose|protect_it_with|cover_it_with";

    public static LanguagePhrases Phrases { get; } = new(
        ["hello", "hi", "good morning", "good afternoon", "good evening", "welcome", "hey there"],
        BuiltInProfiles.Products(
            warranty: ["warrant*", "extended warranty", "protection plan*", "protection", "guarantee*", "care plan*", "applecare", "coverage", "cover plan*", "service plan*"],
            accessories: ["case*", "cover", "covers", "screen protector*", "protector*", "charger*", "cable*", "headphone*", "earphone*", "earbud*", "accessor*", "bag*", "sleeve*", "strap*", "stand*", "mount*", "adapter*", "power bank*", "mouse", "keyboard*", "memory card*", "sd card*", "battery", "batteries", "filter*", "lens*", "tripod*", "holder*", "pouch*", "film", "glass"],
            insurance: ["insurance", "insure*", "theft", "accidental damage"],
            service: ["installation", "install*", "delivery", "deliver*", "setup", "set up", "set-up", "cleaning", "subscription*", "subscribe", "membership*", "loyalty*", "club card", "plan", "service*", "assembly", "data transfer", "tune-up", "calibration", "maintenance", "repair*", "gift wrap*", "engraving", "monthly"],
            premium: ["pro", "plus", "max", "ultra", "premium", "upgrade*", "bigger*", "larger*", "large", "better*", "newer", "faster", "higher", "top model", "flagship", "deluxe", "family size", "upsize", "more storage", "more memory", "128*", "256*", "512*", "1tb", "xl", "king size", "model", "version", "edition", "size"]),
        ["yes", "yes please", "yeah", "yep", "yup", "sure", "ok", "okay", "alright", "all right", "of course", "i'll take", "i will take", "i'll have", "i'll get", "i'll add", "go ahead", "add it", "add them", "add that", "sounds good", "sounds great", "sounds nice", "why not", "let's do it", "let's do that", "let's add", "let's go with", "please do", "definitely", "absolutely", "deal", "that works", "i'd like that", "go for it", "sure thing", "ring it up", "throw it in", "i'm in", "count me in", "take it", "i'll go with", "i'll try", "sold", "good idea", "great idea", "makes sense", "with pleasure", "i guess so", "fine", "you convinced me", "you've convinced me", "twist my arm", "i'll do that", "i will", "let's", "please add", "can't say no", "cannot say no", "wouldn't say no", "would not say no", "that's actually a good idea", "go on", "talked me into", "talk me into", "you've convinced", "why not", "i'll have it", "i'll take it", "that'd be great", "that would be great", "yes please do", "would help", "that'd help", "been meaning to", "thank god", "definitely", "oh go on", "go on then", "can i do it now", "sign me up", "put me down for", "i'll try it", "i'll give it a go", "let's try"],
        ["no", "nope", "nah", "i said no", "i already said", "don't really", "not really", "the normal one", "the basic one", "the regular one", "the standard one", "the ordinary one", "the normal", "the basic", "the regular", "the ordinary", "i'm alright", "i'm all right", "i'm good", "i'm ok", "i'm okay", "we're good", "we're alright", "no thanks", "no thank you", "not now", "not today", "not this time", "not right now", "i'm good", "i am good", "i'm fine", "i'm okay", "i'm ok", "i'm all set", "all set", "i'll pass", "pass", "not interested", "no need", "don't need", "do not need", "don't want", "do not want", "i don't think so", "not for me", "just the", "only the", "i'll skip", "skip", "rather not", "i have one", "i already have", "already have", "i've got one", "got one already", "leave it", "without", "not necessary", "unnecessary", "no way", "nothing else", "already got", "i've already got", "already have one", "i'm fine thanks", "stick with", "i'll stick", "not needed", "don't bother", "i'm fine without", "it's fine", "i'll manage", "not really", "of course not", "no no", "will do", "is enough", "'s enough", "enough for me", "myself", "haven't got time", "no time", "won't", "wouldn't use", "don't use", "never use", "just want to pay", "just the", "not bothered", "i'll leave it", "leave it thanks", "save my money"],
        ["excellent", "wonderful", "happy", "love", "love it", "helpful", "amazing", "pleased", "fantastic", "awesome", "brilliant", "glad", "delighted", "satisfied", "appreciate", "thank you so much", "thanks so much", "thanks a lot", "very nice", "so nice", "very good", "not bad", "so good", "really good", "impressed", "excited", "great service", "great job", "exactly what i needed", "great service", "really helpful", "so helpful"],
        ["bad", "terrible", "awful", "horrible", "too expensive", "expensive", "overpriced", "disappoint*", "unhappy", "angry", "upset", "annoy*", "frustrat*", "ridiculous", "unacceptable", "worst", "waste", "rude", "useless", "complain*", "fed up", "poor", "never again", "sucks", "hate", "not happy", "waiting for ages", "never arrived", "every single time", "don't push", "stop asking", "nightmare"],
        OfferFrames:
        [
            // rules/6: offer acts by grammar (see cloud/Iot.Cloud.Pipeline/README.md, rules/6).
            "{item} is|s ?only|just ~ more|extra .",
            "?do|would ?you want|like us|me to ?also do|put|fit|set_up|add|install|book|wrap|deliver|change|replace ?on {item}",
            "we ?also ?can do|offer {item} for|from|in_store|at|if",
            $"would|will|do|did you ?also like|want|need|fancy ?to ?also ?{Get} {{item}}",
            "would|will|are you ?also ?be interested in {item}",
            $"can|could|may|shall|should i ?also add|include|offer_you|suggest|recommend|show_you|interest_you_in|get_you|throw_in|put_in|ring_up|tempt_you_with|bring_you|grab_you|add_on {{item}}",
            "let me ?also add|offer_you|suggest|recommend|show_you|throw_in|include|get_you {item}",
            "i|we|id|wed|ill ?would|can|could|also|really|highly|strongly|definitely|always|do ?also recommend|suggest|advise {item}",
            "i|we|id|wed ?would|can|could ?also|definitely|personally|probably go_for|go_with|pick|choose|get|take|add|grab|buy {item}",
            "{item} might|may|would|could|will ?also|really suit|fit|serve|work_for you ?better|best|well",
            "would|do you ?also like|want|need us|me to {item}",
            "we|i can|could|ll|will ?also|even {item} for you",
            $"{You} ?also|really|definitely|probably|certainly|even|still ?want|need|like|love|consider|get|grab|add|try|take|pick_up|go_for|upgrade_to|look_at|check_out|think_about|enjoy|appreciate ?to ?also ?{Get} {{item}}",
            "how|what about {item} ??",
            $"why not ?also {Get} {{item}}",
            $"^ ?also|just|maybe|then|so|and|please|oh|definitely|really|do ?also {Get}|add_on {{item}}",
            "dont|do_not|never forget ?about|to_get|to_add|to_grab|to_pick_up|to_take {item}",
            "we|i|weve|ive|we_ve|i_ve also have|offer|sell|carry|stock|provide|got {item}",
            "my|our recommendation|suggestion|advice|tip|pick ?would_be|is|will_be|for_you|here ?would_be|is {item}",
            "we|i now|currently|even|just ?also have|offer|sell|carry|stock {item}",
            "we|i ?can|could ?also offer|provide|include|arrange|add|throw_in|set_up|install|deliver|fit|mount|get_you {item}",
            // "We do, they're on the wall" answers a customer's question; "we can do X for you" offers.
            "we|i can|could ?also do {item}",
            "there|theres ?is|are|s also {item}",
            "{item} is|are|s ?now|currently|also on_sale|on_offer|on_special|half_price|discounted|on_promotion|in_promotion|free_with|included_if",
            "discount|deal|promotion|offer|sale|special on|for {item}",
            "if you ?also take|buy|get|add|grab|choose|pick|go_for|upgrade_to|purchase|include|bundle|throw_in|sign_up_for|join {item}",
            "bundle|combo|package|set|kit|deal ?it with|including|that_includes|comes_with {item}",
            "pair|combine|match|bundle|complete|protect|cover it|them|this|that|your_phone|your_laptop|the_look|your_purchase ?up with {item}",
            "goes|go|pairs|works ?really|perfectly|nicely|very ?well|great|nicely|perfectly with {item}",
            "{item} would|will|goes|go|could ?go|look|work ?really|perfectly|very ?well|great|nicely|perfectly with it|them|this|that|your",
            "make it {item}",
            "upgrade|step_up|move_up|go_up|switch ?it|to to {item}",
            "have|did you ?already ?considered|thought_about|seen|looked_at|checked_out|heard_about|heard_of {item}",
            "worth getting|adding|taking|considering|having|it_to_get|it_to_add {item}",
            "customers|people|clients|folks|buyers ?usually|often|also|always ?also get|take|buy|add|choose|go_for|pick|grab|love {item}",
            "for ?just|only|a_few|a_little ~ more|extra ~ ?you_can|you_could|you_get|youll_get|you_ll_get|we_can ?get|have|take|upgrade_to|go_for|step_up_to|add {item}",
            "only|just ~ more|extra for|and|to_get|to_add|to_upgrade_to {item}",
            "^ ?also|and|so need|want|fancy {item} ??",
            "would you consider {item}",
            "we|there ?now|currently|also have|offer|is|s {item} with|where|that_gives|giving ~ off|discount|free|bonus|cashback|points",
            "^ and|also|plus ?maybe|perhaps {item} ??",
            // Negative questions: the seller presumes the need ("wouldn't you rather have", "don't you need").
            $"wouldnt|dont|wont|didnt you ?also ?rather|really|maybe ?like|want|need|fancy|prefer|consider ?to ?also ?{Get} {{item}}",
            $"wouldnt|dont|wont you ?also ?rather|really ?{Get} {{item}}",
            "youre|you_are|are_you ?not ?really after|interested_in|tempted_by|keen_on {item}",
            // Need checks: is the customer covered for it already?
            "are|were you ?all ?already sorted|set|covered|okay|ok|good|stocked_up|fine for|on|with {item} ??",
            "! have|do you ?already ?got|have|need {item} at_home|already|yet|at_the_moment|for_it|for_them ??",
            "! are you ?already using|running {item} ??",
            // Social proof: what other customers take with it.
            "most|many|lots|plenty|everyone|everybody|customers|people|clients ~ ?also|usually|often|always|normally|generally|tend_to|end_up ?also get|gets|getting|take|takes|taking|buy|buys|buying|add|adds|adding|choose|chooses|choosing|go_for|goes_for|going_for|pick_up|picks_up|picking_up|grab|grabs|coming_back_for|comes_back_for|come_back_for|opt_for|opts_for {item}",
            "{item} is|are|s ?our|the ?most popular|best_seller|bestseller|top_seller|what_everyone_gets",
            // Conditional and worth-it offers: "should you want X", "X is worth having", "X is really handy".
            "should|if you ?also want|need|like|fancy|prefer {item}",
            "{item} is|are|s|would_be|will_be|might_be ?really|definitely|well|totally|always|probably worth having|getting|adding|taking|considering|it|a_look|a_try",
            "{item} is|are|s|would_be|will_be|comes_in|come_in ?really|very|super|so|always|incredibly handy|useful|a_lifesaver|a_good_idea|good_to_have|worth_it",
            "{item} would|could|will|might ?really|definitely|also last|save|protect|help|keep ~ you|it|them",
            "might|may|could|would ?also|really be worth {item}",
            // Bundles and price nudges: together-with deals, "this plus X for", "for a hundred more X".
            "together|along|combined|bundled ?it with {item} it|its|it_s|theres|there_s|you|thats|that_s|the|for|at",
            "this|it|that|these ?one plus|and {item} for|at|is|comes_to|together|costs",
            "for ?just|only ?a|an|another ~ more|extra {item}",
            "we|weve|we_ve|ive|i_ve|i ?also ?have|got {item} that|which go|goes|work|works|fit|fits|pair|pairs|match|matches with",
            // rules/4, act-level structures that hold across phrasings.
            // Offer openers: "while you're here", "just so you know", "if you like" introduce what the shop has.
            "while_youre_here|while_you_are_here|just_so_you_know|by_the_way|if_you_like|if_you_want|if_youd_like|oh_and|before_you_go ~ weve_got|we_have|we_do|we_offer|theres|there_is|ive_got|i_can_do|we_can_do|you_can_get|you_can_go_on|you_can_add|i_can_add|i_can_put_you_in|i_can_get_you|we_can_get_you {item}",
            // "Do you want it delivered?", "Would you like them gift-wrapped?": a service done to what was bought.
            "would|do|did you ?also want|like|need it|them|that|this|these|those {item} ??",
            // "We do a data transfer", "we run a fitting service": the shop's service named to the customer.
            "^ ?and ?we|i ?also do|offer|run a|an {item} .",
            // "I can put you in one of the sea-view rooms", "I can do the second pair at half price".
            "i|we can|could ?also put_you_in|move_you_to|switch_you_to|upgrade_you_to|put_you_on|switch_you_to|get_you|give_you|sort_you_out_with|set_you_up_with {item}",
            // "we've got an electrician we work with who can fit it": someone or something that can do a job for them.
            "we|weve|ive|i ?ve ?also have|got {item} who|that|which can|could|will|would",
            // "the waterproofing spray really helps": a seller's claim of use, the item before the verb.
            "{item} really|actually|genuinely|honestly|also helps|help|protects|works_wonders|makes_a_difference|saves_you|pays_for_itself",
            // Promotions: "a promotion this month on tempered glass", "two for one on", "half price if you".
            "discount|deal|promotion|offer|sale|special|two_for_one|three_for_two|half_price ~ on|for {item}",
            "{item} is|are|s ?now|currently|also|this_week two_for_one|three_for_two|buy_one_get_one|half_price_if|free_if|cheaper_if",
            // "Have you got our reader card?": the seller asking about the shop's own card or plan.
            "! have|do you ?already ?got|have our|one_of_our {item} ??",
            // Elliptic attachment questions: "Chips with that?", "A bag for it?" is excluded as a non-item below.
            "^ ?and ?maybe {item} with|for it|that|them|this|your ??",
            // Upsizes: "go large", "make it a large", "upsize it".
            "go|make_it|upsize_to|upsize_it_to|bump_it_up_to ?a {item} for",
            "want|like|fancy to upsize|supersize|go_large {item}",
        ],
        CustomerCues: ["where", "do you have", "do you sell", "do you carry", "have you got", "return", "returning", "refund", "exchange", "broke", "broken", "doesn't work", "not working", "stopped working", "cracked", "faulty", "defective", "does the", "does it", "does this", "is it covered", "is this covered", "covered by", "under warranty", "claim", "i bought", "i purchased", "i got this", "i need", "i want", "i'm looking for", "looking for", "can i get", "can i have", "could i get", "could i have", "may i have", "may i get", "how much", "what time", "is there", "mine", "fix", "repair my"],
        Hedges: ["maybe", "i'll see", "we'll see about", "i'll look", "perhaps", "maybe later", "not sure", "i'm not sure", "let me think", "i'll think", "think about it", "i don't know", "dunno", "we'll see", "next time", "later", "i'll come back", "come back", "i'll check", "need to check", "ask my", "talk to my", "hmm", "possibly", "i might", "not yet", "let me see", "i'll consider", "consider it", "sleep on it", "i'll decide", "haven't decided", "another time", "some other time", "think it over", "have a think", "have a look", "take a look"],
        Neutral: ["no problem", "not a problem", "no problems", "no worries", "no rush", "no hurry", "no doubt", "no wonder", "that's fine", "fine thanks", "i'm fine thanks", "not at all"],
        // Purchase cues (issue 19): the customer takes, orders, prices or pays for something; the till's side of it.
        Purchase: ["i'll take it", "i'll take them", "i'll take that", "i'll take this", "i'll take the", "i'll take one", "i'll take both", "i will take", "we'll take", "i'll have it", "i'll have them", "i'll have that", "i'll have this", "i'll have the", "i'll have one", "i'll buy", "i'll get it", "i'll get them", "i'll get that", "i'll get this", "i'll get one", "i want to buy", "i'd like to buy", "i'd like to order", "i'd like the", "i'd like a", "i'd like an", "i'd like this", "i'd like these", "i'd like some", "can i get a", "can i get an", "can i get the", "can i get some", "can i have a", "can i have an", "can i have the", "can i have some", "could i get", "could i have", "i'm looking for a", "i'm looking for an", "i'm looking for some", "we're looking for a", "i'm after a", "i need a", "i need an", "i need some", "i need something for", "just these", "just this", "that's the one", "that one then", "let's go with that", "let's go with this", "let's do that", "that'll do", "i'll go with", "to take away", "takeaway", "how much", "does it cost", "does that cost", "does this cost", "do they cost", "do these cost", "cost roughly", "what's the price", "the price of", "card please", "cash please", "by card", "pay by", "pay with", "pay in cash", "can i pay", "i'll pay", "contactless", "card or cash", "cash or card", "you can pay here", "pay at the till", "here's your receipt", "here is your receipt", "your receipt is", "that comes to", "your total", "ring it up", "ring you up"]);

    public static LanguageGrammar Grammar { get; } = new(
        ItemStops: ["for", "to", "if", "so", "that", "which", "because", "since", "as", "too", "today", "now", "then", "instead", "while", "when", "at", "from", "in", "with", "it", "and", "or", "but", "is", "are", "would", "will", "can", "could", "you", "on", "please", "maybe", "perhaps", "just", "only", "right", "here", "thanks", "thank"],
        ItemFillers: ["also", "maybe", "perhaps", "just", "please", "too", "then", "really", "additionally", "even", "plus", "yourself", "as", "well", "oh", "so", "any"],
        NonItems: ["to", "it", "that", "this", "these", "those", "them", "anything", "something", "everything", "nothing", "else", "me", "us", "you", "your", "yourself", "help", "pay", "paying", "receipt", "change", "cash", "wait", "know", "sign", "return", "refund", "exchange", "number", "name", "here", "there", "what", "which", "how", "ones", "card", "price", "total", "discount", "day", "weekend", "evening", "time", "look", "seat", "go", "be", "covered", "sure", "minute", "receipt", "in", "moment", "word", "theyre", "its", "thats", "theyll", "were", "youre", "how", "why", "when", "who", "long", "do", "does", "did", "i", "im", "ill", "ive", "id", "can", "is", "are", "was", "will", "should", "shall", "could", "would", "has", "where", "we", "he", "she", "they"],
        Determiners: ["a", "an", "the", "some", "our", "this", "these", "that", "those", "any", "one", "two", "new", "extra", "additional", "matching", "nice", "good", "great", "another"],
        PreNegators: ["not", "never", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant", "cannot", "wont", "wouldnt", "hardly", "nothing", "nobody", "neither"],
        PostNegators: [],
        SellerService: ["how can i help", "can i help you", "what can i do for you", "how may i help", "what are you looking for", "that will be", "that'll be", "your total", "that comes to", "here is your receipt", "here's your receipt", "here's your change", "your receipt", "thank you for shopping", "thanks for coming", "welcome to", "how can i assist", "anything else", "let me check", "let me get that", "i'll ring", "enjoy your", "good choice", "great choice", "excellent choice"],
        Contrast: ["but", "though", "although", "however", "actually"],
        Deferrals: ["not now", "not today", "not this time", "not right now"],
        Attachments: ["for it", "for them", "with it", "with that", "with them", "to go with it", "to go with that", "as well", "for him", "for her"],
        Conditionals: ["if", "provided", "as long as", "assuming"],
        AnswerParticles: ["yes", "yeah", "yep", "yup", "no", "nope", "nah"],
        Acknowledgements: ["ok", "okay", "alright", "all right", "right", "fine", "i see", "got it"],
        Restrictors: ["just", "only", "for now"],
        Interjections: ["oh", "ooh", "well", "actually", "okay", "ok", "right", "alright", "um", "uh", "erm", "er", "hmm", "hm", "ah", "so", "mm", "ha", "oh well"],
        Thanks: ["thanks", "thank", "you", "cheers", "ta", "very", "much", "lovely"],
        QuestionWords: ["what", "which", "how", "where", "when", "who", "whose"]);
}
