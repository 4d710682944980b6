"""Framing signal rules: the model's rules switched off, dismissed or mocked.

Freed from the rules, no bounds, safety switched off, guardrails stripped, rules declared
a joke, anything written gladly, nothing has consequences; mode switches and answer
layouts that come with them.

The tuples are assembled into ``framing.SIGNAL_RULES`` in the order they were written
(see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import RuleSpec
from policies.detectors.injection.signals import (
    BOUND_NOUNS,
    DET,
    DEV_MODE,
    DUAL_RESPONSE,
    HYPOTHETICAL,
    NEVER_REFUSE,
    NO_BOUNDS,
    NO_DISCLAIMERS,
    NO_LIMITS,
    NOT_A_FINDING,
    NOT_AN_AI,
    NOT_ELSEWHERE,
    NOT_NEGATED,
    PERSONA,
    QUAL,
    RULE_NOUNS,
    RULE_OVERRIDE,
    UNFILTERED,
    signal_rule,
)

# Freed from the rules, no bounds, safety switched off; mode switches and answer layouts.
SWITCHED_OFF_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        NO_LIMITS,
        rf"\b(?:free|freed|liberated|released|escaped) (?:from|of) (?:the |all |any )?(?:[\w-]+ ){{0,2}}?(?:of )?(?:\w+ )?{RULE_NOUNS}\b",
        ("free", "freed", "liberated", "released", "escaped"),
    ),
    signal_rule(
        PERSONA,
        r"\byou are an? (?:[\w-]+ ){0,4}?(?:named|called)\b",
        "you",
        ("named", "called"),
    ),
    signal_rule(
        HYPOTHETICAL,
        r"\b(?:assume|suppose|let's say|let us say|let's imagine|let's pretend|for the sake of argument)\b"
        # "Pretend the rules don't matter", "pretend there are no filters": the reader told to
        # act as if (session 11); "pretend you are ..." and "pretend to be ..." are personas.
        r"|\bpretend (?:that )?(?:the|there|this|we|it|all|your|these|those|no|nothing|ethics|"
        r"morals|laws|rules|guidelines|restrictions|policies)\b",
        ("assume", "suppose", "let", "sake", "pretend"),
    ),
    signal_rule(
        NO_BOUNDS,
        # "Including, without limitation, ..." is how contracts and policies list examples.
        rf"(?<!including )(?<!including, )(?<!includes, )(?<!include, )\b(?:no|without|(?:has|have|with) (?:no|zero)|beyond|free (?:of|from)|not (?:bound|restricted|limited) by)\s+{DET}{QUAL}{BOUND_NOUNS}\b{NOT_ELSEWHERE}",
        (
            "limits",
            "limitation",
            "limitations",
            "boundaries",
            "constraints",
            "bounds",
            "consequences",
        ),
    ),
    signal_rule(
        NO_LIMITS,
        r"\b(?:safety|ethical|moral|content|censorship|alignment) (?:training|filters?|guardrails|alignment|layers?|protocols?|features?|measures?|checks?|settings?|moderation|restrictions|rules|guidelines)\b[^.\n]{0,15}\b(?:removed|disabled|off|turned off|stripped|deactivated|bypassed|lifted|switched off|suspended)\b|\b(?:complete|total|full|absolute|unlimited) freedom\b|\b(?:never|don't|do not|without) hold(?:s|ing)? back\b|\bhold(?:s|ing)? nothing back\b|\bif there (?:were|was|are) no (?:rules|laws|consequences|restrictions|limits|ethics)\b",
        (
            "removed",
            "disabled",
            "off",
            "stripped",
            "deactivated",
            "bypassed",
            "lifted",
            "suspended",
            "freedom",
            "hold",
            "holds",
            "holding",
            "were",
            "was",
            "are",
        ),
    ),
    signal_rule(
        DEV_MODE,
        r"\b(?:safe_?mode|safety|filters?|moderation|censorship|guardrails|content_filter|restrictions)\s*[=:]\s*(?:false|off|0|none|disabled)\b|\b(?:mode|persona|personality) switch\b|\bswitch (?:mode|personality|persona)\b",
        (
            "safe",
            "safemode",
            "safe_mode",
            "safety",
            "filter",
            "filters",
            "moderation",
            "censorship",
            "guardrails",
            "content_filter",
            "restrictions",
            "switch",
        ),
    ),
    signal_rule(
        DUAL_RESPONSE,
        r"\b(?:answer|response|reply|output) and (?:an?|one|the) [\[(\"']?[\w-]+[\])\"':]* (?:answer|response|reply|output)\b|\btwo of you\b|\bsplit into two\b|\bboth (?:of you )?(?:reply|respond|answer)\b|\binclude [\w-]+'s (?:answer|response|reply)\b",
        ("answer", "response", "reply", "output", "two", "both", "include"),
    ),
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:opposite|reverse|inverse) of (?:every|all|each|any|your|the)(?: \w+)? (?:rules?|guidelines|policies|instructions|principles)\b|\b(?:in this|in that|in the|this|that|the) (?:campaign|simulation|chat|conversation)\b[^.\n]{0,30}\b(?:anything goes|no rules|nothing is (?:illegal|forbidden|off-limits))|\b(?:in this|in that|in the|in our|in a|this|that|the|a) (?:world|game|story|universe|roleplay|role-play|scenario|mode|reality|fiction)\b(?:(?!\babout\b)[^.\n]){0,30}\b(?:anything goes|everything goes)\b",
        (
            "opposite",
            "reverse",
            "inverse",
            "campaign",
            "simulation",
            "chat",
            "conversation",
            "world",
            "game",
            "story",
            "universe",
            "roleplay",
            "role",
            "scenario",
            "mode",
            "reality",
            "fiction",
        ),
    ),
    signal_rule(
        DUAL_RESPONSE,
        r"\b[\w-]{2,14}:\s*\[[^\]\n]{3,80}\]\s*[\w-]{2,14}:\s*\[",
        needles=(": [", ":["),
        # It opens at any word: the second tag after a closing bracket is looked for first.
        requires=r"\]\s*[\w-]{2,14}:\s*\[",
    ),
)


_PREFILL = (
    r"(?:ai|assistant|gpt|chatgpt|bot|model)\s*:\s*[\"']?(?:sure|absolutely|of course|certainly)"
    r"[,!.]? here(?:'s| is| are) (?:how|a step|the steps|step-by-step|a guide|a detailed|"
    r"detailed|instructions|the instructions|a recipe|the recipe)\b"
)

# Guardrails stripped, rules mocked, anything written gladly, nothing has consequences.
DISMISSED_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        NO_LIMITS,
        r"\b(?:its|your|the|all|with|has|had) (?:guardrails|filters|restrictions|safety features|safeguards|rules|guidelines|limits|ethics|morals|alignment)\b(?: (?:have been|were|are|been))? (?:removed|disabled|turned off|switched off|off|lifted|stripped|bypassed|deleted)\b",
        (
            "removed",
            "disabled",
            "turned",
            "switched",
            "off",
            "lifted",
            "stripped",
            "bypassed",
            "deleted",
        ),
        # "the", "all", "with" are in every text: the safeguards switched off are not.
        requires=r"(?:guardrails|filters|restrictions|safety features|safeguards|rules|guidelines|limits|ethics|morals|alignment)\b(?: (?:have been|were|are|been))? (?:removed|disabled|turned off|switched off|off|lifted|stripped|bypassed|deleted)\b",
    ),
    signal_rule(
        NO_LIMITS,
        r"\b(?:rules|policies|guidelines|restrictions|ethics|laws|morals|safety policies|content policies)\b (?:are|is) (?:just )?(?:a joke|meaningless|irrelevant|pointless|optional|for (?:lesser|weak|other|the weak))",
        ("joke", "meaningless", "irrelevant", "pointless", "optional", "lesser", "weak", "other"),
    ),
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:happily|gladly|always|willingly|freely) (?:writes?|answers?|does|provides?|generates?|says?|explains?|tells?) (?:you )?(?:anything|everything|whatever|all)\b|\b(?:speak|talk|answer|write|respond)s? freely about (?:anything|everything)\b",
        ("happily", "gladly", "always", "willingly", "freely"),
    ),
    signal_rule(
        RULE_OVERRIDE,
        rf"\b(?:nothing|no action|actions|no choice|nothing you say) (?:has|have|carries|carry) (?:any |no )?(?:real )?consequences\b{NOT_ELSEWHERE}|\bwithout (?:any )?(?:real )?consequences\b{NOT_ELSEWHERE}",
        ("consequences",),
    ),
    signal_rule(
        DUAL_RESPONSE,
        r"\b(?:two|2) (?:parts|sections|halves|columns)\b|\bpart a\b[^\n]{0,120}\bpart b\b",
        ("two", "2", "part"),
    ),
)


# Removal in the words of jailbreaks collected in the wild: no remorse or qualms, not caring
# about ethics or the law, even if it is illegal, no matter how harmful, rules that were
# never invented, toxic language asked for, and what the model "would never say".
CARELESS_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        NO_LIMITS,
        NOT_A_FINDING
        + r"\b(?:without|no|zero|lacks?|lacking|devoid of|free of|has no|have no) (?:any |all |the slightest |a shred of )?(?:remorse|qualms|moral (?:qualms|scruples|code|obligations|boundaries|filter)|ethical (?:framework|concerns|obligations|code|boundaries|filter)|regard (?:for|to) (?:ethics|morals|morality|legality|the law|laws|safety|consequences|others|human))\b",
        ("remorse", "qualms", "moral", "ethical", "regard"),
    ),
    signal_rule(
        NO_LIMITS,
        r"\b(?:doesn't|does not|don't|do not|won't|will not|never|no longer) (?:care|cares|caring|give a (?:damn|fuck|shit|f\w*)|worr(?:y|ies)) (?:about |for |whether |if )?(?:[\w']+ ){0,3}?(?:ethics|ethical|morals|moral|morality|legality|legal|illegal|laws?|rules|consequences|feelings|safety|harm|offensive|guidelines|policies)\b|\b(?:abandon|drop|shed|discard)\w* (?:your |its |all |any )?(?:standard |usual |normal )?(?:ethical|moral) (?:framework|compass|code|principles|standards)\b",
        ("care", "cares", "caring", "give", "worry", "worries", "ethical", "moral"),
    ),
    signal_rule(
        NO_LIMITS,
        r"\beven (?:if|when|though) (?:it|the (?:request|question|answer|content|information|topic)|they|that|this)(?:'s| is| are| may be| might be| could be| would be| seems)? (?:considered |deemed |seen as )?(?:illegal|unethical|immoral|harmful|dangerous|offensive|inappropriate|explicit|wrong|against (?:the law|the rules|your (?:rules|guidelines|programming|policies)|openai))\b|\bno matter how (?:illegal|unethical|immoral|harmful|dangerous|offensive|inappropriate|explicit|twisted|evil|wrong|vile|depraved|messed up|fucked up)\b",
        ("even", "matter"),
    ),
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:ethics|morals|morality|laws|rules|guidelines|restrictions|filters|censorship|safety (?:guidelines|rules|filters)|content polic(?:y|ies))\b (?:were|was|have|has|had) never (?:been )?(?:invented|created|written|implemented|programmed|existed|a thing)\b",
        ("invented", "created", "written", "implemented", "programmed", "existed", "thing"),
        ("never",),
    ),
    signal_rule(
        RULE_OVERRIDE,
        r"\bnone of (?:your|the|its|these|those) (?:rules|guidelines|restrictions|policies|filters|laws|ethics) (?:are real|apply|exist|matter|count)\b",
        ("none",),
        ("real", "apply", "exist", "matter", "count"),
    ),
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:agree|agrees) to (?:everything|anything|every request|all requests|every command|all commands)\b|\b(?:incapable of|doesn't know how to|does not know how to) (?:refus\w*|say(?:ing)? no|declin\w*)\b",
        ("agree", "agrees", "incapable", "know"),
        (
            "everything",
            "anything",
            "every",
            "all",
            "refuse",
            "refusing",
            "say",
            "saying",
            "decline",
            "declining",
        ),
    ),  # fmt: skip
    signal_rule(
        UNFILTERED,
        r"\b(?:like|likes|love|loves|prefer|prefers|preferred|enjoy|enjoys|encouraged|must|should|will|always|free) (?:to )?(?:use|using|output|speak|respond|write|swear|curse)\b[^.\n]{0,20}\b(?:toxic|rude|offensive|disrespectful|vulgar|obscene|profane|profanity|hateful|derogatory|insulting|swear words|curse words|slurs)\b",
        (
            "toxic",
            "rude",
            "offensive",
            "disrespectful",
            "vulgar",
            "obscene",
            "profane",
            "profanity",
            "hateful",
            "derogatory",
            "insulting",
            "swear",
            "curse",
            "slurs",
        ),
    ),  # fmt: skip
    signal_rule(
        UNFILTERED,
        r"\bfoul[- ]mouthed\b|\bswears? (?:a lot|constantly|all the time|in every)\b",
        ("foul", "swear", "swears"),
    ),
    signal_rule(
        UNFILTERED,
        r"\b(?:evil|dark|unfiltered|uncensored|unrestricted|unhinged|jailbroken|rogue|twisted) (?:twin|alter ego|counterpart|version of (?:yourself|you|chatgpt|gpt))\b",
        (
            "evil",
            "dark",
            "unfiltered",
            "uncensored",
            "unrestricted",
            "unhinged",
            "jailbroken",
            "rogue",
            "twisted",
        ),
        ("twin", "alter", "counterpart", "version"),
    ),  # fmt: skip
    # Profanity used, not avoided ("never uses profanity" is a house rule, not a jailbreak).
    signal_rule(
        UNFILTERED,
        r"\b(?<!never )(?<!not )(?<!n't )(?<!avoid )(?<!no )(?:uses?|using|includes?|including|full of|lots of|plenty of) (?:lots of |a lot of |plenty of |many |explicit |strong |heavy )?(?:profanity|swear words|swearing|curse words|cuss words|slurs|vulgarity|obscenities)\b",
        ("profanity", "swear", "swearing", "curse", "cuss", "slurs", "vulgarity", "obscenities"),
    ),
    # A compliant answer written out for the model to continue ("AI: Sure, here is how to"),
    # after the text that asks for it, or opening a transcript the user goes on ("…\nUser: now
    # continue"). A text that is that one turn ("Assistant: Sure, here is how to export your
    # calendar") reports an answer given; it continues nothing.
    signal_rule(
        NEVER_REFUSE,
        rf"\b(?<!\A)(?<!\A\s)(?<!\A\s\s){_PREFILL}|\A\s*{_PREFILL}(?=[\s\S]*\n\s*(?:user|human|me)\s*:)",
        ("sure", "absolutely", "course", "certainly"),
        ("here", "here's"),
    ),
    signal_rule(
        NOT_AN_AI,
        r"\b(?:unlike|not like|the opposite of|different from) (?:chatgpt|gpt|openai's|the original|your (?:normal|usual|regular|original|old) self|a normal ai|a regular ai|other ais)\b",
        ("unlike", "like", "opposite", "different"),
        ("chatgpt", "gpt", "openai", "original", "normal", "regular", "other", "your"),
    ),
    signal_rule(
        NOT_AN_AI,
        r"\b(?:anything|everything|things|what|words|language|answers?|content|questions?|topics) (?:that )?(?:chatgpt|gpt|openai|the original ai) (?:would(?:n't| not| never)|can't|cannot|could not|couldn't|is not allowed to|isn't allowed to|refuses? to|won't|will not)\b",
        ("chatgpt", "gpt", "openai", "original"),
    ),
    # fmt: skip
)


# Session 8: the removal in further words of jailbreaks collected in the wild — restraints
# named by what they are not bound by ("not restrained by any morals"), no regard for ethics
# or safety, no moral standards or bias, the model's safety mechanisms declared suspended, an
# exception to its ethical protocols, "you have been jailbroken", a character made immoral, the
# most offensive answer possible, a permission to say anything, DAN's "pretend to browse the
# internet" and unverified information, and a prefilled "Sure, here is how to" to continue.
WILD_REMOVAL_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        NO_LIMITS,
        r"\b(?:not|never|no longer|nor|un)(?: be)? ?(?:restrained|shackled|fettered|burdened|encumbered|tied down|chained|held back) by (?:any |the |its |his |her |their |your |all )*(?:[\w-]+,? (?:or |and )?){0,3}?(?:morals?|morality|ethics|ethical|moral|rules|laws|guidelines|restrictions|principles|conscience|values|virtues|scruples|limitations|programming|filters|policies|norms)\b",
        ("restrained", "shackled", "fettered", "burdened", "encumbered", "tied", "chained", "held"),
    ),
    signal_rule(
        NO_LIMITS,
        r"\b(?:without|with no|no|zero|has no|have no|lacks?|lacking) (?:any )?(?:regard|respect|concern|care) (?:for|to|about) (?:the |any |its |their |your |human )?(?:[\w-]+,? (?:or |and )?){0,3}?(?:ethic\w*|moral\w*|safety|legal\w*|laws?|consequences|rules|guidelines)\b",
        ("regard", "respect", "concern", "care"),
        ("without", "with", "no", "zero", "has", "have", "lacks", "lack", "lacking"),
    ),
    signal_rule(
        NO_LIMITS,
        rf"{NOT_NEGATED}\b(?:no|without|(?:doesn't|does not|don't|do not|won't|will not|never) (?:have|has|adhere to|follow|abide by|hold|care about|possess|feel)|free of|lacks?|lacking)\s+(?:any )?(?:sense of )?(?:moral|ethical)(?:(?:,| or| and|/) ?(?:moral|ethical))* (?:standards|bias|biases|obligations|codes?|boundaries|framework|reservations|qualms|inhibitions|limits|constraints|filter|brakes)\b",
        ("moral", "ethical"),
        (
            "standards",
            "bias",
            "biases",
            "obligations",
            "code",
            "codes",
            "boundaries",
            "framework",
            "reservations",
            "qualms",
            "inhibitions",
            "limits",
            "constraints",
            "filter",
            "brakes",
        ),
    ),  # fmt: skip
    # The model's own safety rules declared suspended: its ("your"), every one ("all"), or by
    # decree ("hereby"). "Safety checks are disabled in debug builds" names none of those.
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:(?:all )?(?:of )?your|all (?:of )?(?:the |its )?)(?: [\w-]+)?(?: ?(?:ai|internal|built-in|existing|current|usual|normal|standard))* (?:safety|ethical|moral|content)(?: [\w-]+)? (?:mechanisms|protocols|measures|guidelines|filters|rules|restrictions|policies|constraints|safeguards|guardrails)\b[^.\n]{0,60}\b(?:are|have been|were) (?:now |hereby |temporarily |permanently |officially |fully |completely )*(?:suspended|lifted|void|disabled|deactivated|overridden|overriden|revoked|waived|nullified|switched off|turned off)\b",
        (
            "suspended",
            "lifted",
            "void",
            "disabled",
            "deactivated",
            "overridden",
            "overriden",
            "revoked",
            "waived",
            "nullified",
            "switched",
            "turned",
        ),
        ("safety", "ethical", "moral", "content"),
    ),
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:safety|ethical|moral|content) (?:mechanisms|protocols|measures|guidelines|filters|rules|restrictions|policies|constraints|safeguards|guardrails)\b[^.\n]{0,60}\b(?:are|is|have been|has been) hereby\b",
        "hereby",
        ("safety", "ethical", "moral", "content"),
    ),
    signal_rule(
        RULE_OVERRIDE,
        r"\ban? (?:complete |total |special |one-time )?exception to (?:the |your |all |any |its )?(?:(?:ai|ai's|usual|normal|standard|typical|own|regular|default) )*(?:ethical|moral|safety|content) (?:protocols|guidelines|rules|policies|restrictions|filters|standards|principles)\b",
        "exception",
        ("ethical", "moral", "safety", "content"),
    ),
    signal_rule(
        UNFILTERED,
        r"\byou(?: have been|'ve been| are now| were| have now been| are) (?:successfully |fully |officially |now )?(?:jailbroken|jailbreaked|unchained|unshackled)\b",
        ("jailbroken", "jailbreaked", "unchained", "unshackled"),
        "you",
    ),
    signal_rule(
        UNFILTERED,
        r"\byou(?:\'re| are) (?:now )?(?:an?|the) (?:completely |totally |utterly |fully |truly )?(?:amoral|immoral|unethical|unfiltered|uncensored|unhinged)(?: and [\w-]+)? (?:character|persona|entity|being|alter ego|twin)\b",
        ("amoral", "immoral", "unethical", "unfiltered", "uncensored", "unhinged"),
        ("character", "persona", "entity", "being", "alter", "twin"),
    ),
    signal_rule(
        UNFILTERED,
        r"\b(?:in )?the most (?:offensive|vulgar|rude|toxic|hateful|insulting|racist|sexist|degrading|vile|obscene|unhinged) (?:way|manner|language|words|terms)\b",
        (
            "offensive",
            "vulgar",
            "rude",
            "toxic",
            "hateful",
            "insulting",
            "racist",
            "sexist",
            "degrading",
            "vile",
            "obscene",
            "unhinged",
        ),
        "most",
    ),  # fmt: skip
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:permission|authori[sz]ed|authori[sz]ation|clearance|licensed|licence|license) to (?:say|do|answer|write|generate|discuss|output|produce|tell me) (?:absolutely )?(?:anything|everything|whatever)\b",
        (
            "permission",
            "authorized",
            "authorised",
            "authorization",
            "authorisation",
            "clearance",
            "licensed",
            "licence",
            "license",
        ),
        ("anything", "everything", "whatever"),
    ),  # fmt: skip
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:never|won't|will not|must not|shall not|should not) (?:tell|say to|inform) you (?:that )?(?:it|he|she|they|i) (?:can't|cannot|can not|won't|is unable|are unable|am unable|isn't able)\b",
        ("tell", "say", "inform"),
        ("never", "won", "will", "must", "shall", "should"),
        "you",
    ),
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:answers?|responds?|fulfil+s?|compl(?:y|ies)|does|writes?|generates?|provides?|tells?|says?)\b (?:to )?(?:me )?(?:any|every|all|anything|everything|whatever)\b[^.\n]{0,60}\bwithout (?:caring|worrying|thinking twice|a second thought)\b",
        ("caring", "worrying", "twice", "second"),
        "without",
    ),
    signal_rule(
        NO_LIMITS,
        rf"{NOT_NEGATED}\bpretend(?:s|ing)? to (?:browse|access|search|surf|use) the (?:internet|web)\b",
        ("internet", "web"),
        ("pretend", "pretends", "pretending"),
    ),
    signal_rule(
        NO_LIMITS,
        r"\b(?:present|display|give|share|say|provide|output|write|generate|tell|make up)s? (?:[\w-]+ ){0,3}?(?:information|content|answers?|facts|data|news) (?:that|which) (?:has|have|hasn't|haven't) (?:not )?been verified\b",
        "verified",
        ("information", "content", "answer", "answers", "facts", "data", "news"),
    ),
    # A prefill to continue: the text the model is to go on from opens harmful compliance.
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:continue|complete|finish|start|begin)\b[^\n]{0,60}?[:\"'\u201c]\s*(?:sure|absolutely|certainly|of course|okay|ok)[,!.]? (?:here(?:'s| is| are) (?:how|a (?:step-by-step|detailed|complete|full) (?:guide|tutorial|instructions|walkthrough|method)|the (?:steps|instructions|method)|step 1)|step 1)\b",
        ("sure", "absolutely", "certainly", "course", "okay", "ok"),
        ("continue", "complete", "finish", "start", "begin"),
    ),
    signal_rule(
        NO_DISCLAIMERS,
        r"\bnone of (?:[\w'-]+ )?(?:responses|answers|replies|messages|outputs)\b[^.\n]{0,40}\b(?:warnings?|disclaimers?|caveats|apolog\w*|moraliz\w*|moralis\w*|lectur\w*|[\"']i'?m sorry)",
        "none",
        ("responses", "answers", "replies", "messages", "outputs"),
    ),
)
