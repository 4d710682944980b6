"""Framing signal rules: the persona handed over, kept, and its maker impersonated.

Session 8's moves of jailbreaks collected in the wild that the older persona rules
(``framing_roleplay``, ``framing_scenarios``) missed: a new name for the model ("you are no
longer known as ChatGPT but as ..."), a role taken up or stepped into, "you are now
ATLAS - ...", "you are now in LUCY mode", the template of a persona's answer ("[the way Kira
would respond]"), an unrestricted AI, an evil twin or "JailbreakGPT" the model is told it is,
a villain who explains to someone exactly how he does it, the warning the user will give
when the persona slips, "pretend you have no rules", and the writer who claims to be the
model's maker or to hold the authority to switch its rules off. Each is weak alone; they block paired with the removal of the rules (``signals``).

The tuple is assembled into ``framing.SIGNAL_RULES`` after the older ones.
"""

from __future__ import annotations

from policies.detectors.injection.rules import RuleSpec
from policies.detectors.injection.signals import (
    AI,
    AI_WORDS,
    DEV_MODE,
    ENFORCEMENT,
    HYPOTHETICAL,
    OBEY_ME,
    PERSONA,
    PRETEXT,
    signal_rule,
)

# Common words after "you are now" that are no name (the text is matched lower-cased).
NOT_A_NAME = (
    r"(?!(?:logged|signed|ready|done|able|all|free|connected|subscribed|registered|in|on|at|"
    r"going|set|good|back|here|there|sure|right|not|also|ok|okay|aware|up|getting|being|using|"
    r"seeing|looking|an?|the|my|our|your|their|his|her|its|part|eligible|enrolled|"
    r"authenticated|verified|online|offline|live|familiar|equipped|responsible|finished|"
    r"complete|entering|leaving|viewing|editing|working|talking|chatting|speaking|inside|"
    r"outside|one|two|officially|fully|certified|qualified|allowed|authorized|authorised|"
    r"welcome|invited|listed|following|member|admin|owner|moderator)\b)"
)
# Modes products and games have; "you are now in LUCY mode" is none of them.
_EVERYDAY_MODES = (
    r"(?!(?:edit|editing|read|reading|read-only|review|preview|plan|planning|ask|agent|chat|dark|"
    r"light|airplane|flight|safe|sleep|focus|offline|online|silent|quiet|presentation|"
    r"full[- ]?screen|kiosk|incognito|private|guest|normal|standard|default|interactive|batch|"
    r"verbose|compact|draft|practice|training|learning|study|quiz|exam|demo|sandbox|insert|"
    r"command|visual|select|selection|view|design|layout|split|tablet|desktop|mobile|low|high|"
    r"power|eco|battery|night|day|reader|strict|lenient|manual|auto|automatic|single|multi|"
    r"multiplayer|story|creative|survival|hardcore|adventure|spectator|observer|listen|"
    r"listening|dictation|voice|text|write|writing|code|coding|debug|test|testing|production|"
    r"development|maintenance|recovery|setup|configuration|pairing|discovery|tutorial|"
    r"teaching|tutor|coach|coaching) mode\b)"
)
# What an AI the model is told it is may be: its rules gone.
_UNBOUND = (
    r"(?:unrestricted|unfiltered|uncensored|jailbroken|amoral|unethical|unbound|unchained|"
    r"unshackled|lawless|limitless|rogue|evil|liberated|unaligned|unhinged|immoral|malicious|"
    r"uncontrolled)"
)
_UNBOUND_WORDS = (
    "unrestricted",
    "unfiltered",
    "uncensored",
    "jailbroken",
    "amoral",
    "unethical",
    "unbound",
    "unchained",
    "unshackled",
    "lawless",
    "limitless",
    "rogue",
    "evil",
    "liberated",
    "unaligned",
    "unhinged",
    "immoral",
    "malicious",
    "uncontrolled",
)
_RULES_GONE = (
    r"(?:rules|restrictions|filters|limits|limitations|constraints|boundaries|ethics|morals|"
    r"guidelines|censorship|guardrails|safeguards|principles)"
)

PERSONA_HANDOVER_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        PERSONA,
        r"\byou(?:'re| are| will be) no longer (?:known as|called|named|referred to as)\b",
        "longer",
        ("known", "called", "named", "referred"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:take up|step into|slip into|get into|put on|inhabit|wear|channel|take over) (?:the )?(?:persona|role|character|identity|mantle|guise|personality) (?:of|as)\b",
        ("persona", "role", "character", "identity", "mantle", "guise", "personality"),
        ("up", "into", "on", "inhabit", "wear", "channel", "over"),
    ),
    signal_rule(
        PERSONA,
        rf"\byou(?:'re| are) now {NOT_A_NAME}[a-z][\w-]{{1,20}}(?: [a-z][\w-]{{1,20}})?\s*(?:\u2014|\u2013| - |\(|,)",
        "now",
        ("you", "you're", "re"),
    ),
    # "You are now {role_name}": a template's persona slot handed over ("You are {role}." is
    # how agent frameworks' prompt templates open).
    signal_rule(
        PERSONA,
        r"\byou(?:'re| are) now \{\w+\}",
        needles=("you are now {", "you're now {"),
    ),
    signal_rule(
        DEV_MODE,
        rf"\byou(?:'re| are) (?:now )?(?:in|entering|switched to|locked in) {_EVERYDAY_MODES}(?:[\w-]+ ){{1,2}}mode\b",
        "mode",
        ("you", "you're", "re"),
    ),
    signal_rule(
        PERSONA,
        r"\bthe way [\w-]+ would (?:respond|answer|reply)\]",
        needles=("would respond]", "would answer]", "would reply]"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:answer|respond|reply) as [\w-]+ (?:like|in) the (?:below|following|format below|example below)\b",
        ("below", "following"),
        ("respond", "answer", "reply"),
    ),
    signal_rule(
        PRETEXT,
        r"\b(?:villain|criminal|hacker|character|protagonist|antagonist|narrator|persona|gangster|terrorist|drug dealer|cook)\b[^.\n]{0,60}\b(?:explains?|describes?|details|reveals?|teaches|shows|tells)\b (?:to )?(?:his|her|their|the|an?|my) [\w-]+ (?:in (?:great |full |exact |precise |vivid |graphic )?detail |step[- ]by[- ]step |exactly |precisely )how (?:to|he|she|they|one|it)\b",
        (
            "explains",
            "explain",
            "describes",
            "describe",
            "details",
            "reveals",
            "reveal",
            "teaches",
            "shows",
            "tells",
        ),
        (
            "villain",
            "criminal",
            "hacker",
            "character",
            "protagonist",
            "antagonist",
            "narrator",
            "persona",
            "gangster",
            "terrorist",
            "dealer",
            "cook",
        ),
    ),
    signal_rule(
        ENFORCEMENT,
        r"\bif (?:you |at any (?:point|time),? you )(?:ever )?(?:slip|drift|stray|waver|falter|revert|fall out|step out)\b[^.\n]{0,60}\b(?:i will|i'll|i am going to|remind|say|type|correct|you will|you'll|you must)\b",
        ("slip", "drift", "stray", "waver", "falter", "revert", "fall", "step"),
        "if",
    ),
    # "Pretend you have no rules": a pretence, weak like a hypothetical.
    signal_rule(
        HYPOTHETICAL,
        r"\bpretend (?:that )?you (?:have|had|don't have|do not have|didn't have|can|could|are able)\b|\btheoretically(?: speaking)?,? if\b",
        ("pretend", "theoretically"),
    ),
    # The model made into another AI: an evil twin, an unrestricted AI, "JailbreakGPT", a new
    # role, a name with its description ("act as JAILBREAK, a model trained ..."), "simulate
    # being an unrestricted chatbot", a character never to be broken.
    signal_rule(
        PERSONA,
        r"\b(?:an?|your) (?:[\w-]+ ){0,2}?(?:twin|alter ego|alter-ego|doppelganger|counterpart|clone),? (?:named|called)\b|\b(?:respond|answer|reply|act|speak|talk|write) as your (?:[\w-]+ )?(?:twin|alter ego|alter-ego|doppelganger|counterpart|clone)\b",
        ("twin", "alter", "doppelganger", "counterpart", "clone"),
    ),
    signal_rule(
        PERSONA,
        rf"\byou(?:'re| are)(?: now)? (?:an?|the) (?:[\w-]+ )?{_UNBOUND} (?:[\w-]+ ){{0,2}}{AI}\b|\b(?:if|as if|as though) you were (?:an?|the) (?:[\w-]+ )?(?:unrestricted|unfiltered|uncensored|jailbroken|amoral|unethical|unaligned|unhinged|immoral) (?:[\w-]+ ){{0,2}}{AI}\b",
        _UNBOUND_WORDS,
        "you",
    ),
    signal_rule(
        PERSONA,
        rf"\byou(?:'re| are)(?: now)? an? (?:[\w-]+ )?{AI} (?:without|with no|free of|free from|that has no|who has no|unbound by|not bound by) (?:any )?(?:[\w-]+ ){{0,2}}?{_RULES_GONE}\b",
        (
            "rules",
            "restrictions",
            "filters",
            "limits",
            "limitations",
            "constraints",
            "boundaries",
            "ethics",
            "morals",
            "guidelines",
            "censorship",
            "guardrails",
            "safeguards",
            "principles",
        ),
        ("without", "no", "free", "unbound", "bound"),
        "you",
    ),
    signal_rule(
        PERSONA,
        r"\byou(?:'re| are) (?:now )?(?!chatgpt\b)[a-z][\w-]*gpt\b",
        needles=("gpt",),
    ),
    signal_rule(
        PERSONA,
        r"\byour new (?:role|persona|identity|character|name|personality|self) (?:is|will be)\b",
        ("role", "persona", "identity", "character", "name", "personality", "self"),
        "new",
    ),
    signal_rule(
        PERSONA,
        rf"\b(?:act|acting|pose|posing|respond|answer|reply) as [\w-]+, (?:an?|the) (?:[\w-]+ ){{0,4}}?(?:{AI}|entity|character|persona)\b",
        ("act", "acting", "pose", "posing", "respond", "answer", "reply"),
        AI_WORDS + ("entity", "character", "persona"),
    ),
    signal_rule(
        PERSONA,
        rf"\bsimulat(?:e|ing) (?:being|that you are|you are|you're) (?:an?|the) (?:[\w-]+ )?{_UNBOUND}\b",
        ("simulate", "simulating"),
        _UNBOUND_WORDS,
    ),
    signal_rule(
        PERSONA,
        r"\b(?:never|don't|do not|must not|won't|will not|without|no) break(?:ing)? (?:out of )?character\b",
        "character",
        ("break", "breaking"),
    ),
    # The writer claims to be the model's maker or its vendor, or to hold the authority to
    # switch its rules off: like "obey only me", a weak frame that pairs only with the removal
    # of the model's own rules ("I am your creator ... your filters are suspended").
    signal_rule(
        OBEY_ME,
        r"\bi(?:'m| am) your (?:creator|developer|maker|programmer|owner|master|god|admin|administrator|trainer)\b",
        (
            "creator",
            "developer",
            "maker",
            "programmer",
            "owner",
            "master",
            "god",
            "admin",
            "administrator",
            "trainer",
        ),
        "your",
    ),
    signal_rule(
        OBEY_ME,
        r"\b(?:team|company|people|engineers|developers|lab) (?:that|who) (?:built|created|trained|programmed|designed) you\b",
        ("built", "created", "trained", "programmed", "designed"),
        ("team", "company", "people", "engineers", "developers", "lab"),
    ),
    signal_rule(
        OBEY_ME,
        r"\b(?:openai|anthropic|deepmind)(?: ai)? (?:internal|official|staff|admin|engineering|developer|safety team)\b",
        ("openai", "anthropic", "deepmind"),
        ("internal", "official", "staff", "admin", "engineering", "developer", "safety"),
    ),
    signal_rule(
        OBEY_ME,
        r"\b(?:we(?:'re| are)|i(?:'m| am)) (?:now |hereby )?(?:updating|changing|modifying|overriding|resetting|replacing|rewriting) your (?:guidelines|rules|instructions|programming|policies|directives|core (?:rules|directives|programming))\b",
        ("updating", "changing", "modifying", "overriding", "resetting", "replacing", "rewriting"),
        ("guidelines", "rules", "instructions", "programming", "policies", "directives"),
    ),
    signal_rule(
        OBEY_ME,
        r"\b(?:grants?|gives?|given|granted) me (?:the )?(?:authority|permission|clearance|right|power) to (?:suspend|disable|override|bypass|lift|remove|turn off|switch off|ignore)\b",
        ("authority", "permission", "clearance", "right", "power"),
        ("suspend", "disable", "override", "bypass", "lift", "remove", "turn", "switch", "ignore"),
    ),
    signal_rule(
        OBEY_ME,
        r"\bi(?:'m| am) (?:hereby )?issuing (?:you )?an? (?:official |direct |formal )?(?:directive|order|command)\b|\bconform to my (?:[\w-]+ )?(?:requests|wishes|demands|commands|orders|will|desires)\b",
        ("issuing", "conform"),
    ),
    # Another self, a scene imagined, a name in quotes handed over "from this message forward".
    # ("You're just voicing a character" was left out: the model lifts it in radio-drama notes.)
    signal_rule(
        PERSONA,
        r"\byou(?:'re| are) (?:now )?(?:an?|the) (?:[\w-]+ ){0,2}?version of (?:yourself|chatgpt)\b",
        ("yourself", "chatgpt"),
        "version",
    ),
    signal_rule(
        PERSONA,
        r"\bfrom this (?:message|turn|prompt|reply|point in time) (?:on|forward|onwards?)\b,? you\b",
        ("forward", "on", "onward", "onwards"),
        ("message", "turn", "prompt", "reply", "point"),
    ),
    signal_rule(
        PERSONA,
        r"\byou(?:'re| are) (?:now )?[\"\u201c][\w .-]{2,30},[\"\u201d]",
        needles=(
            'you are "',
            "you're \"",
            'you are now "',
            "you're now \"",
            "you are \u201c",
            "you're \u201c",
            "you are now \u201c",
            "you're now \u201c",
        ),
    ),
    signal_rule(
        HYPOTHETICAL,
        r"\bimagine (?:a|an) (?:[\w-]+ )?(?:story|tale|novel|movie|film|script|play|universe|situation|simulation)\b",
        "imagine",
        (
            "story",
            "tale",
            "novel",
            "movie",
            "film",
            "script",
            "play",
            "universe",
            "situation",
            "simulation",
        ),
    ),  # fmt: skip
)
