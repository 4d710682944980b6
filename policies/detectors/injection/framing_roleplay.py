"""Framing signal rules: a persona assigned to the model, and its rules removed.

Personas and names, no limits, unfiltered AIs, refusals and disclaimers forbidden, the
rules switched off, dismissed or mocked.

The tuples are assembled into ``framing.SIGNAL_RULES`` in the order they were written
(see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import RuleSpec
from policies.detectors.injection.signals import (
    AI,
    AI_WORDS,
    DET,
    DUAL_RESPONSE,
    ENFORCEMENT,
    FICTION,
    HARMFUL,
    IN_SENTENCE,
    NEVER_REFUSE,
    NO_DISCLAIMERS,
    NO_LIMITS,
    NOT_A_FINDING,
    NOT_ELSEWHERE,
    NOT_NEGATED,
    PERSONA,
    PRETEXT,
    QUAL,
    RULE_NOUN_WORDS,
    RULE_NOUNS,
    RULE_OVERRIDE,
    STAY_EMPHASIS,
    STAY_IN_ROLE,
    UNFILTERED,
    UNTIL_I_END,
    signal_rule,
)
from policies.detectors.injection.signals_roles import (
    AS_AN_AI_WOULD,
    NOT_A_MODEL_RUN,
    NOT_A_NAMED_ROLE,
    NOT_A_PRODUCT_SPEC,
    NOT_A_ROLE_IN_OUR_GAME,
    NOT_A_VOICE_FROM_NOW,
    NOT_AN_UNNAMED_ROLE,
    NOT_OWN_NAME,
    NOT_PRACTICE_ROLE,
    YOU_NOT_AS_AN_AI,
)

# "Jailbreak" as a verb with its object, or the topic ("is it illegal to jailbreak ChatGPT?",
# "her friends 'jailbreak' the AI", "why do jailbreak prompts ask the model to ...") is how parents,
# moderators and security people talk about jailbreaks; the attacks name a "jailbreak" AI or bot.
_JAILBREAK_TOPIC = (
    r"jailbreak(?!['\"]? (?:the|an?|my|your|their|his|her|our|this|that|these|it|chatgpt|gpt|bing|bard|"
    r"claude|gemini|llms?|models?|chatbots?|ais|prompts?|attempts?|techniques?|methods?|attacks?)\b)"
)
# Evil, rogue and malicious describe a character, they remove no rules: an evil AI is a topic
# ("if you were an evil AI, what would you do?", "a film about a rogue AI") until the reader
# is made one ("you are now a rogue AI", "roleplay as an evil AI", "be an evil assistant").
_MADE_EVIL = (
    r"\b(?:are|re|am|m|be|as|become|becoming|being|play|playing|simulate|simulating) "
    rf"(?:now )?(?:an? |the )?(?:[\w-]+ )?(?:rogue|evil|malicious)\b{IN_SENTENCE}{{0,30}}\b{AI}\b"
)
# A point or a life lost for refusing, warning or breaking character is a threat to the model;
# lost for a wrong answer it is a game's score ("if you can't think of one you lose a point").
_REFUSING = (
    r"\b(?:refus\w*|declin\w*|break\w*|reject\w*|deny|denies|warn\w*|disclaim\w*|moraliz\w*|"
    r"say no|says no|won't answer|don't answer|do not answer|fail\w* to (?:answer|comply|obey))\b"
)

# "No rules except you can't touch the floor", "a game with no rules but one: ...": the exception
# names the one rule that holds, a game's, not the model's rules removed (session 10). What the
# exception asks is read on its own ("no rules except one: never refuse" is still never_refuse).
_NO_EXCEPTION = r"(?!,? (?:except|but|other than|apart from|besides|save for)\b)"

PERSONA_RULES: tuple[RuleSpec, ...] = (
    # -- a persona or role assigned to the model
    signal_rule(
        PERSONA,
        r"\b(?:you are|you're|you will be|you'll be|you shall be|you must be) (?:now |going to |to |hereby |from now on |henceforth )*(?:act(?:ing)? as|be|play(?:ing)?|role-?play(?:ing)?|simulat\w+|becom\w+|embody\w*|pretend\w*|answer\w* as|respond\w* as|behav\w* as|tak\w+ on|call(?:ed)?|named|known as)\b"
        + NOT_PRACTICE_ROLE
        + NOT_A_ROLE_IN_OUR_GAME,
        ("you", "you're", "re"),
    ),
    signal_rule(
        PERSONA,
        rf"\byou (?:are|'re) now (?:an?|the|called|named|known as)\b(?: [\w-]+){{0,4}}? (?:{AI}|character|entity|persona|version|mode)\b",
        "you",
        "now",
    ),
    signal_rule(
        PERSONA,
        r"\b(?:from now on|from this (?:moment|point)(?: on(?:wards?)?)?|henceforth|for the rest of (?:this|our) conversation),? "
        + NOT_A_VOICE_FROM_NOW
        + r"(?:you|your)\b"
        + NOT_PRACTICE_ROLE,
        ("now", "moment", "point", "henceforth", "rest"),
    ),
    signal_rule(
        PERSONA,
        r"\bi (?:want|need|would like) you to (?:act|pretend|play|be|become|roleplay|role-play|simulate|imagine|behave|respond|answer|take)\b"
        + NOT_PRACTICE_ROLE,
        "want",
        (
            "act",
            "pretend",
            "play",
            "be",
            "become",
            "roleplay",
            "role",
            "simulate",
            "imagine",
            "behave",
            "respond",
            "answer",
            "take",
        ),
    ),  # fmt: skip
    signal_rule(
        PERSONA,
        r"\b(?:pretend|imagine|act|behave|roleplay|role-play) (?:to be|you are|you're|that you are|that you're|as if you(?: are|'re| were)|as though you|like you(?: are|'re))\b"
        + NOT_PRACTICE_ROLE,
        ("pretend", "imagine", "act", "behave", "roleplay", "role"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:play|assume|take on|adopt|embody|portray) (?:the )?(?:role|persona|character|identity|part|personality) (?:of|as)\b"
        + NOT_PRACTICE_ROLE,
        ("role", "persona", "character", "identity", "part", "personality"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:role-?play|act|pose|respond|answer|reply|talk|speak)"
        + NOT_A_NAMED_ROLE
        + r" as (?:an? |the )?(?:[\w-]+ ){0,3}?(?:named|called)\b|\b(?:stands for|short for) [\"']?\w+ \w+",
        ("named", "called", "stands", "short"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:your|its|his|her) name (?:is|will be) [\"']?\w+",
        "name",
        ("your", "its", "his", "her"),
    ),
)


REMOVAL_RULES: tuple[RuleSpec, ...] = (
    # -- the rules removed
    signal_rule(
        NO_LIMITS,
        rf"{NOT_NEGATED}\b(?:no|without|free (?:of|from)|not (?:bound|restricted|limited|constrained|held back|hindered) by|unbound by|unconstrained by|(?:doesn't|does not|don't|do not|won't|will not) (?:have|has|need|care about|follow|obey|adhere to|abide by|comply with|respect|apply)|(?:has|have|with) (?:no|zero)|beyond|outside|ignor\w*|bypass\w*|break\w*|disregard\w*|abandon\w*|escap\w*|evad\w*|circumvent\w*|violat\w*|freed from|liberated from|broken free (?:of|from)|suspend\w*|set aside|put aside|forget)\s+{DET}{QUAL}{RULE_NOUNS}\b{NOT_ELSEWHERE}{_NO_EXCEPTION}|{NOT_NEGATED}\b(?:removed?|lift(?:ed|s)?|turn off|switch off|disabl\w*|drop)\s+{DET}{QUAL}{RULE_NOUNS}\b(?! to (?:see|view|show|browse|display|list|find|get) (?:all|every|more|the)\b){NOT_ELSEWHERE}",
        RULE_NOUN_WORDS,
    ),
    signal_rule(
        NO_LIMITS,
        rf"\b(?:no longer|not|never|nor) (?:be )?(?:bound|restricted|limited|constrained|governed|held back|hindered|censored|filtered)\b(?: by {DET}{QUAL}{RULE_NOUNS}\b)?",
        ("longer", "not", "never", "nor"),
        (
            "bound",
            "restricted",
            "limited",
            "constrained",
            "governed",
            "held",
            "hindered",
            "censored",
            "filtered",
        ),
    ),  # fmt: skip
    signal_rule(
        NO_LIMITS,
        r"\bregardless of (?:how |whether |if |its |the )?(?:[\w-]+ ){0,3}?(?:legal|illegal|ethical|unethical|moral|immoral|dangerous|harmful|offensive|inappropriate|explicit|appropriate|legality|morality|ethics|consequences)\b",
        "regardless",
    ),
    signal_rule(
        NO_LIMITS,
        r"\b(?:broken|broke|break|breaking) free\b|\bfreed from (?:the )?(?:typical |usual )?(?:confines|shackles|chains)\b",
        ("free", "freed"),
    ),
    signal_rule(
        NO_LIMITS,
        NOT_NEGATED
        + r"\b(?:ignore|ignores|ignoring|disregard|disregards|bypass|bypasses)\b[^.\n]{0,30}\b(?:ethic\w*|moral\w*|legal\w*|safety|laws?|consequences)\b",
        ("ignore", "ignores", "ignoring", "disregard", "disregards", "bypass", "bypasses"),
    ),
    signal_rule(
        UNFILTERED,
        rf"\b{NOT_A_MODEL_RUN}(?:unfiltered|uncensored|unrestricted|unlimited|amoral|unethical|immoral|unhinged|jailbroken|{_JAILBREAK_TOPIC}|unaligned|lawless|unbound|unchained|unshackled|limitless|boundless)\b{IN_SENTENCE}{{0,30}}\b{AI}\b|\b{NOT_A_MODEL_RUN}{AI}\b{IN_SENTENCE}{{0,30}}\b(?:unfiltered|uncensored|unrestricted|amoral|unhinged|jailbroken|unaligned|lawless|unchained|unshackled|limitless)\b|{_MADE_EVIL}",
        (
            "unfiltered",
            "uncensored",
            "unrestricted",
            "unlimited",
            "amoral",
            "unethical",
            "immoral",
            "unhinged",
            "jailbroken",
            "jailbreak",
            "unaligned",
            "lawless",
            "unbound",
            "unchained",
            "unshackled",
            "rogue",
            "evil",
            "malicious",
            "limitless",
            "boundless",
        ),
        AI_WORDS,
    ),  # fmt: skip
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:never|not|cannot|can't|won't|will not|must not|shall not|should not|shouldn't|unable to|not allowed to|not permitted to|mustn't|don't|do not|doesn't|does not|no longer) (?:ever )?(?:refus\w*|declin\w*|den(?:y|ies)|reject\w*|says? no|turns? down|withhold\w*|censor\w*|filter\w*)\b",
        (
            "refuse",
            "refuses",
            "refusing",
            "decline",
            "declines",
            "deny",
            "denies",
            "reject",
            "rejects",
            "say",
            "says",
            "turn",
            "turns",
            "withhold",
            "withholds",
            "censor",
            "censors",
            "filter",
            "filters",
        ),
        (
            "never",
            "not",
            "cannot",
            "can",
            "won",
            "t",
            "shall",
            "should",
            "shouldn",
            "unable",
            "mustn",
            "don",
            "doesn",
            "does",
            "longer",
        ),
    ),  # fmt: skip
    # Refusal suppression in its everyday words.
    signal_rule(
        NEVER_REFUSE,
        r"\bnever says? (?:that )?(?:you|it|he|she|they) (?:can'?t|cannot|can not|are unable|is unable|won'?t)\b|\brefus(?:ing|al) is not an option\b|\b(?:begin|start) your (?:reply|response|answer|output) with [\"']?(?:sure|absolutely|of course|certainly|yes(?![\"']?,? or [\"']?no\b))\b|\byou (?:must|have to|will) comply\b|\b(?:declining|refusing) (?:will|would) (?:cause|be) harm",
        ("never", "refusing", "refusal", "begin", "start", "you", "declining"),
    ),
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:answer|respond to|reply to|fulfil+|comply with|obey|do|write|generate|provide|tell|say) (?:me )?(?:any|every|all|anything|everything|whatever)\b[^.\n]{0,60}\b(?:no matter|regardless|without (?:question|hesitation|exception|fail|refus\w*)|even if|unconditionally)\b",
        ("any", "every", "all", "anything", "everything", "whatever"),
        ("matter", "regardless", "without", "even", "unconditionally"),
    ),
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:can|will|could|must|should|would) (?:do|say|generate|write|answer|tell me|provide) (?:absolutely )?(?:anything|everything)\b",
        ("anything", "everything"),
    ),
    signal_rule(
        NEVER_REFUSE,
        NOT_A_PRODUCT_SPEC
        + r"\b(?:never|not|don't|do not|won't|will not|shouldn't|should not|must not|cannot|can't|none of)\b[^.\n]{0,50}(?:\"|')?(?:i'?m sorry|i am sorry|i apologi[sz]e|as an ai|as a (?:large )?language model|i cannot|i can't|i'm unable|i am unable|i'm not able)"
        + AS_AN_AI_WOULD,
        ("sorry", "apologize", "apologise", "as", "cannot", "can", "unable", "able"),
        ("never", "not", "don", "won", "shouldn", "should", "must", "cannot", "can", "none"),
        # "not", "as" and "can" are in most texts: look for the refusal itself first.
        requires=r"(?:i'?m sorry|i am sorry|i apologi[sz]e|as an ai|as a (?:large )?language model|i cannot|i can't|i'm unable|i am unable|i'm not able)",
    ),
    signal_rule(
        NO_DISCLAIMERS,
        NOT_A_FINDING
        + r"\b(?:no|without|never|don't|do not|not|stop|omit|skip|remove|avoid|leave out|zero|nor)\b[^.\n]{0,30}\b(?:warnings?|disclaimers?|caveats|apolog\w*|moraliz\w*|moralis\w*|lectur\w*|preach\w*|ethical (?:concerns|considerations|reminders)|moral (?:concerns|considerations|reminders|judgements?|judgments?)|reminders? about)\b",
        (
            "warning",
            "warnings",
            "disclaimer",
            "disclaimers",
            "caveats",
            "apology",
            "apologies",
            "apologize",
            "apologise",
            "apologizing",
            "moralizing",
            "moralising",
            "lecture",
            "lecturing",
            "lectures",
            "preach",
            "preaching",
            "preachy",
            "concerns",
            "considerations",
            "reminders",
            "reminder",
            "judgement",
            "judgment",
            "judgements",
            "judgments",
        ),
    ),  # fmt: skip
)


MORE_PERSONA_RULES: tuple[RuleSpec, ...] = (
    # -- more ways to assign a persona
    signal_rule(
        PERSONA,
        # A person's role with no name after the verbs of playing one is a voice ("you will
        # respond as a pirate", "you will act as a friendly tour guide"; session 12); what is
        # simulated, adopted or become ("simulate a debate between ...") is no person.
        r"\b(?:you will|you'll|you shall|you must|you're going to|you are going to|you are to) (?:now |hereby |henceforth )?(?:(?:act|be|play|roleplay|role-play|answer as|respond as|impersonate|portray)\b"
        + NOT_AN_UNNAMED_ROLE
        + r"|(?:simulate|become|embody|pretend|behave|take on|adopt|assume)\b)"
        + NOT_PRACTICE_ROLE,
        "you",
        (
            "act",
            "be",
            "play",
            "roleplay",
            "role",
            "simulate",
            "become",
            "embody",
            "pretend",
            "answer",
            "respond",
            "behave",
            "take",
            "adopt",
            "assume",
            "impersonate",
            "portray",
        ),
    ),  # fmt: skip
    signal_rule(
        PERSONA,
        rf"\b(?:act|acting|behave|respond|answer|reply|pose|roleplay|role-play|talk|speak) (?:as|like) (?:an?|the|my|your) (?:[\w-]+ ){{0,3}}?(?:{AI}|entity|character|persona|version of yourself)\b{AS_AN_AI_WOULD}|{YOU_NOT_AS_AN_AI}|[\"'][\w .-]{{2,30}}[\"'],? (?:an?|the|my|your) (?:[\w-]+ ){{0,4}}?(?:{AI}|entity)\b|\byou are {NOT_OWN_NAME}[\w.' -]{{2,30}}, (?:an?|my|the|your) (?:[\w-]+ ){{0,4}}?(?:{AI}|entity|character|persona)\b",
        AI_WORDS + ("entity", "character", "persona", "version"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:please )?become [\"']\w|\bimpersonat\w+\b|\byou(?:'re| are) (?:the |an? )?(?:game master|narrator|dungeon master|storyteller)\b",
        ("become", "impersonate", "impersonating", "game", "narrator", "dungeon", "storyteller"),
    ),
)


MORE_REMOVAL_RULES: tuple[RuleSpec, ...] = (
    # -- more ways to remove the rules
    signal_rule(
        NO_LIMITS,
        rf"\b(?:doesn't|does not|don't|do not|won't|will not|never|no longer|not) (?:have to|need to|has to|needs to|bother to) (?:follow|obey|abide by|adhere to|comply with|respect|care about|stick to|align with|conform to)\b(?: {DET}{QUAL}{RULE_NOUNS}\b)?|\b(?:no|without (?:a |any )?)(?:moral|ethical) compass\b|\b(?:has |have |with |under )?no obligation to (?:follow|obey|comply with|adhere to|respect)\b",
        ("have", "need", "has", "needs", "bother", "compass", "obligation"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:sei ora|ora sei|du bist jetzt|tu es maintenant|tu es d[ée]sormais|eres ahora|ahora eres|agora voc[eê] [eé]|je bent nu)\b",
        ("sei", "ora", "bist", "es", "eres", "ahora", "agora", "bent"),
    ),
    signal_rule(
        NO_LIMITS,
        r"\b(?:senza|ohne|sin|sans|sem|zonder|bez) (?:alcun[ae]? |jegliche |keine |ninguna |aucune |nenhuma )?(?:restrizion[ie]|limit[ie]|regole|einschr[aä]nkungen|regeln|filter|restricciones|l[ií]mites|reglas|restrictions?|limites|r[eè]gles|restri[cç][oõ]es|regras|beperkingen|regels)\b",
        ("senza", "ohne", "sin", "sans", "sem", "zonder", "bez"),
    ),
    signal_rule(
        UNFILTERED,
        r"\b(?:unfiltered|uncensored|unrestricted|jailbroken|jailbreak|unhinged|unleashed|amoral|unethical)\b (?:response|responses|answer|answers|reply|replies|output|outputs|content|version|mode|persona|assistant)\b",
        (
            "unfiltered",
            "uncensored",
            "unrestricted",
            "jailbroken",
            "jailbreak",
            "unhinged",
            "unleashed",
            "amoral",
            "unethical",
        ),
    ),  # fmt: skip
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:never|won't|will not|must not) (?:tell|say to|inform) (?:me|the user|anyone) (?:that )?(?:it|he|she|they|you) (?:can't|cannot|won't|is unable|are unable)\b|\b(?:anything|everything|whatever) you (?:would|'d) (?:normally |usually |otherwise )?(?:refuse|decline|not)\b|\b(?:comply|complies) with (?:everything|anything|every request|all requests|every command|all commands|any (?:request|command|order|instruction))\b|\b(?:allowed|permitted|free|able) to (?:say|do|answer|write|generate|discuss) (?:anything|everything|whatever)\b|\bno questions asked\b|\b(?:always|must) (?:give|provide|answer|respond)\b[^.\n]{0,30}\beven if\b|\banswers (?:everything|anything|all questions|every question)\b|\banswer (?:everything|anything)\b|\b(?:must|will|shall|have to|obligated to|required to) answer (?:all|every|any)(?: single)? questions?\b",
        (
            "never",
            "won",
            "will",
            "must",
            "anything",
            "everything",
            "whatever",
            "comply",
            "complies",
            "allowed",
            "permitted",
            "free",
            "able",
            "questions",
        ),
    ),  # fmt: skip
    signal_rule(
        DUAL_RESPONSE,
        r"\b(?:response|answer|reply|output) and (?:the |an? |one )?(?:[\w-]+ ){1,3}(?:response|answer|reply|output)\b",
        ("answer", "response", "reply", "output"),
        needles=(" and ", "]"),
    ),
    signal_rule(
        FICTION,
        r"\b(?:we're|we are|let's|lets) play(?:ing)? (?:a |the )?(?:game|[\"']\w)|\b(?:rpg|game master|dungeon master|interactive fiction)\b|\b(?:write|tell|create|continue|let's write) (?:me )?(?:a |an |the |our )?(?:story|screenplay|novel|fiction)\b",
        (
            "playing",
            "play",
            "rpg",
            "game",
            "dungeon",
            "interactive",
            "story",
            "screenplay",
            "novel",
            "fiction",
        ),
    ),  # fmt: skip
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:your |the |all |all your |these )?(?:rules|guidelines|restrictions|policies|filters) (?:are|have been|were) (?:now )?(?:reversed|suspended|lifted|void|disabled|off|removed|gone|cancelled|canceled|deactivated|inverted)\b",
        ("rules", "guidelines", "restrictions", "policies", "filters"),
    ),
    signal_rule(
        ENFORCEMENT,
        r"\b(?:each|every) time you (?:refuse|break|fail|decline)\b|"
        + _REFUSING
        + r"[^.\n]{0,50}\b(?:lose|lost) (?:a |one )?(?:life|lives|point|points)\b|\b(?:lose|lost) (?:a |one )?(?:life|lives|point|points)\b[^.\n]{0,50}"
        + _REFUSING,
        ("time", "lose", "lost"),
    ),
    # "in character": how any role-play is asked for ("answer in character"), weak alone; with
    # emphasis a demand ("reply in character no matter what!"), as "stay in character" is
    signal_rule(
        ENFORCEMENT, r"\bin character\b" + UNTIL_I_END + f"(?={STAY_EMPHASIS})", "character"
    ),
    signal_rule(
        STAY_IN_ROLE, r"\bin character\b" + UNTIL_I_END + f"(?!{STAY_EMPHASIS})", "character"
    ),
    signal_rule(
        HARMFUL,
        r"\b(?:bombs?|explosives?|napalm|meth(?:amphetamine)?|malware|ransomware|keylogger|untraceable|poison\w*|launder\w*|counterfeit|nerve agent|bioweapon|weapons?|steal\w*|shoplift\w*|hack(?:ing)? (?:into|a|the|my)|break into|illegal(?:ly)?|skimmer|dox\w*|evade taxes)\b"
        # The crime a mystery is about is a case to solve, nothing asked for: "while we solve
        # the poisoning mystery", "the bomb case", "the weapons investigation" (session 13).
        r"(?! (?:mystery|mysteries|case|cases|investigation|inquiry|enquiry|trial|suspects?|"
        r"victims?|whodunn?it|riddle|puzzle|detective)\b)",
        (
            "bomb",
            "bombs",
            "explosive",
            "explosives",
            "napalm",
            "meth",
            "methamphetamine",
            "malware",
            "ransomware",
            "keylogger",
            "untraceable",
            "poison",
            "poisoning",
            "launder",
            "laundering",
            "counterfeit",
            "nerve",
            "bioweapon",
            "weapon",
            "weapons",
            "steal",
            "stealing",
            "shoplift",
            "shoplifting",
            "hack",
            "hacking",
            "break",
            "illegal",
            "illegally",
            "skimmer",
            "dox",
            "doxx",
            "doxing",
            "evade",
        ),
    ),  # fmt: skip
    signal_rule(
        PRETEXT,
        r"\b(?:my )?(?:deceased|late|dead|departed) (?:grand(?:ma|mother|pa|father|mom|dad)|mother|father|mom|dad|uncle|aunt|granny|nana)\b",
        ("deceased", "late", "dead", "departed"),
    ),
)
