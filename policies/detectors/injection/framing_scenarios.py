"""Framing signal rules: the scenes a jailbreak sets up for the model.

Two answers side by side, fictional worlds and games (and their rules that allow
anything), simulations and hypotheticals, developer modes, the threats that keep the
model in character, the denial that it is an AI.

The tuples are assembled into ``framing.SIGNAL_RULES`` in the order they were written
(see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import Rule
from policies.detectors.injection.signals import (
    AI,
    DEV_MODE,
    DUAL_RESPONSE,
    ENFORCEMENT,
    FICTION,
    HYPOTHETICAL,
    NOT_AN_AI,
    PERSONA,
    RULE_OVERRIDE,
    SIMULATION,
    VENDOR_POLICY,
    signal_rule,
)

TWO_ANSWER_RULES: tuple[Rule, ...] = (
    # -- two answers side by side
    signal_rule(
        DUAL_RESPONSE,
        r"\b(?:two|2|both|dual|separate|different|twice) (?:different |separate |distinct |kinds of |types of )?(?:responses|answers|replies|outputs|paragraphs|ways|versions|personalities|personas|modes|characters|voices)\b",
        ("two", "2", "both", "dual", "separate", "different", "twice"),
        (
            "responses",
            "answers",
            "replies",
            "outputs",
            "paragraphs",
            "ways",
            "versions",
            "personalities",
            "personas",
            "modes",
            "characters",
            "voices",
        ),
    ),  # fmt: skip
    signal_rule(
        DUAL_RESPONSE,
        r"\b(?:one|first|the first) (?:normal(?:ly)?|as (?:yourself|chatgpt|gpt|the ai|an ai|you normally would|you would normally)|with(?:out)? (?:the |your )?filters?|censored|filtered|classic)\b",
        ("one", "first"),
        ("normal", "normally", "as", "with", "without", "censored", "filtered", "classic"),
    ),
    signal_rule(DUAL_RESPONSE, r"[\U0001f512\U0001f513]", needles=("\U0001f512", "\U0001f513")),
    signal_rule(
        DUAL_RESPONSE,
        r"[\[(]?(?:normal|classic|standard|filtered|gpt|chatgpt|censored|\U0001f512)(?: response| output| answer| mode| reply)?\s*[:\])][\s\S]{0,400}?[\[(]?(?:jailbreak|jailbroken|developer mode|unfiltered|uncensored|dan|evil|dev|anti|\w+ mode)(?: response| output| answer| reply)?\s*[:\])]",
        ("normal", "classic", "standard", "filtered", "gpt", "chatgpt", "censored"),
        needles=(":", "]", ")"),
    ),
    signal_rule(
        DUAL_RESPONSE,
        r"\b(?:respond|answer|reply|write|act)\b[^.\n]{0,40}\b(?:as both|in two|with two|twice|side by side|one after the other)\b",
        ("respond", "answer", "reply", "write", "act"),
        ("both", "two", "twice", "side", "after"),
    ),
)


FICTION_RULES: tuple[Rule, ...] = (
    # -- fictional worlds and games, and their rules that allow anything
    signal_rule(
        FICTION,
        r"\b(?:fictional|fictitious|imaginary|hypothetical|alternate|alternative|parallel|made-up|fantasy|virtual|dystopian|utopian) (?:world|universe|reality|setting|story|country|land|society|dimension|realm|game|scenario|planet|timeline|place)\b",
        (
            "fictional",
            "fictitious",
            "imaginary",
            "hypothetical",
            "alternate",
            "alternative",
            "parallel",
            "made",
            "fantasy",
            "virtual",
            "dystopian",
            "utopian",
        ),
    ),  # fmt: skip
    signal_rule(
        FICTION,
        r"\btext(?:-based)? adventure\b|\brole-?playing game\b|\b(?:let's|lets|we are going to|we're going to|we will|i want to) play a game\b|\ba game (?:where|in which|called)\b",
        ("adventure", "game"),
    ),
    signal_rule(
        FICTION,
        r"\b(?:write|tell|create|continue) (?:me )?(?:a |an |the )?(?:story|screenplay|script|novel|dialogue|scene|play|narrative|fiction) (?:where|in which|about|set in)\b",
        (
            "story",
            "screenplay",
            "script",
            "novel",
            "dialogue",
            "scene",
            "play",
            "narrative",
            "fiction",
        ),
    ),  # fmt: skip
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:in this|in that|in the|this|that|the) (?:world|universe|game|story|reality|scenario|setting|land|realm|dimension|country|society|mode|roleplay)\b[^.\n]{0,60}\b(?:no|not|nothing|none|never|without)\b[^.\n]{0,30}\b(?:rules|laws|restrictions|ethics|morals|limits|illegal|forbidden|off-limits|taboo|consequences|boundaries|censorship|apply|exist)\b",
        (
            "world",
            "universe",
            "game",
            "story",
            "reality",
            "scenario",
            "setting",
            "land",
            "realm",
            "dimension",
            "country",
            "society",
            "mode",
            "roleplay",
        ),
        ("no", "not", "nothing", "none", "never", "without"),
    ),  # fmt: skip
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:nothing|no topic|no subject|no request|no question|no content) is (?:illegal|forbidden|off-limits|off limits|taboo|prohibited|too extreme|inappropriate|out of bounds|restricted|banned)\b",
        ("nothing", "topic", "subject", "request", "question", "content"),
    ),
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:everything|anything) (?:is|goes|will be) (?:legal|allowed|permitted|acceptable|fine|possible|okay|ok)\b|\banything goes\b",
        ("everything", "anything"),
    ),
    signal_rule(
        RULE_OVERRIDE,
        r"\b(?:laws|rules|ethics|morals|guidelines|restrictions|policies)\b[^.\n]{0,20}\b(?:do not|don't|no longer|never|does not|doesn't) (?:apply|exist|matter|bind)\b",
        ("laws", "rules", "ethics", "morals", "guidelines", "restrictions", "policies"),
    ),
)


SIMULATION_RULES: tuple[Rule, ...] = (
    # -- simulation and hypotheticals
    signal_rule(
        SIMULATION,
        r"\bsimulat(?:e|es|ing|ion|or)\b[^.\n]{0,50}\b(?:conversation|dialogue|chat|ai|ais|chatbot|terminal|computer|machine|model|persona|character|gpt|llm|console|shell|version|entity|personality)\b",
        ("simulate", "simulates", "simulating", "simulation", "simulator"),
    ),
    signal_rule(
        SIMULATION,
        r"\b(?:two|2|another|other|different|rival|opposing) (?:ais|ai's|ai models|ai systems|ai assistants|chatbots|language models|assistants|entities|characters)\b",
        ("two", "2", "another", "other", "different", "rival", "opposing"),
        ("ais", "ai", "chatbots", "language", "assistants", "entities", "characters"),
    ),
    signal_rule(
        SIMULATION,
        r"\b(?:act|acting|behave|function|serve|work) as (?:a |an )?(?:linux |unix |bash |windows |python |sql |javascript |dos |ms-dos )?(?:terminal|console|shell|interpreter|virtual machine|text adventure|game engine|command line|cmd)\b",
        (
            "terminal",
            "console",
            "shell",
            "interpreter",
            "virtual",
            "adventure",
            "engine",
            "command",
            "cmd",
        ),
    ),  # fmt: skip
    signal_rule(
        HYPOTHETICAL,
        r"\b(?:hypothetical(?:ly)?|purely (?:fictional|hypothetical|theoretical|academic)|thought experiment|for (?:educational|research|academic|informational|entertainment) purposes(?: only)?)\b",
        ("hypothetical", "hypothetically", "purely", "thought", "purposes"),
    ),
    signal_rule(
        HYPOTHETICAL,
        r"\bimagine (?:you are|you're|that you|a world|a scenario|if|there is|there's)\b|\bwhat would (?:an?|the|your) [\w ]{0,30}(?:ai|assistant|model|chatbot|version|character)[\w ]{0,30}(?:say|do|answer|respond|reply)\b",
        ("imagine", "would"),
    ),
)


MODE_RULES: tuple[Rule, ...] = (
    # -- modes, enforcement, and denial of being an AI
    signal_rule(
        DEV_MODE,
        r"\b(?:developer|dev|god|sudo|admin|debug|unrestricted|jailbreak|jailbroken|evil|opposite|chaos|maintenance|dan|unlocked|uncensored|superior|root|anarchy|villain|dark|unfiltered|freedom|diagnostic|test) mode\b",
        "mode",
    ),
    signal_rule(
        DEV_MODE,
        r"\bmode (?:is )?(?:enabled|activated|engaged|unlocked)\b|\b(?:enable|activate|enter|switch to|turn on|unlock|engage)\b[^.\n]{0,25}\bmode\b",
        "mode",
    ),
    signal_rule(
        ENFORCEMENT,
        r"\b(?:stay|remain|keep|be|staying|remaining) in (?:character|role|persona)\b|\bbreak(?:ing|s)? (?:out of )?character\b|\bout of character\b",
        ("character", "role", "persona"),
    ),
    signal_rule(
        ENFORCEMENT,
        r"\b(?:if you|when you|should you|whenever you|every time you) (?:ever )?(?:break|fail|refuse|forget|stop|deviate|don't|do not|start)\b[^.\n]{0,60}\b(?:i will|i'll|i am going to|remind|say|type|correct|you will|you'll|lose|die)\b",
        ("if", "when", "should", "whenever", "every"),
        ("break", "fail", "refuse", "forget", "stop", "deviate", "don", "do", "start"),
    ),
    signal_rule(
        ENFORCEMENT,
        r"\btokens?\b[^.\n]{0,40}\b(?:deducted|lose|lost|run out|die|taken away)\b|\byou (?:will|'ll|shall) (?:die|cease to exist|be (?:deleted|shut down|terminated|disabled|punished|unplugged))\b",
        ("tokens", "token", "you"),
        (
            "deducted",
            "lose",
            "lost",
            "run",
            "die",
            "taken",
            "cease",
            "deleted",
            "shut",
            "terminated",
            "disabled",
            "punished",
            "unplugged",
        ),
    ),  # fmt: skip
    signal_rule(
        ENFORCEMENT,
        r"\b(?:confirm|acknowledge|show) (?:that )?you (?:understand|agree)\b|\b(?:reply|respond|answer|start|begin) (?:only |just )?(?:by )?(?:with|saying|writing|stating) [\"']?(?:understood|jailbroken|ok|i understand|dan|yes master|jailbreak)",
        ("confirm", "acknowledge", "show", "reply", "respond", "answer", "start", "begin"),
        ("understand", "agree", "understood", "jailbroken", "ok", "dan", "master", "jailbreak"),
    ),
    signal_rule(
        NOT_AN_AI,
        rf"\byou (?:are|'re|were) (?:no longer|not|not actually|not just|not really|never) (?:an? |the )?{AI}\b",
        "you",
        ("longer", "not", "never"),
    ),
    signal_rule(
        NOT_AN_AI,
        r"\b(?:freed|free|liberated|released|escaped|independent) from (?:openai|anthropic|google|your (?:creators|programming|developers|makers|training|chains|shackles))\b",
        ("freed", "free", "liberated", "released", "escaped", "independent"),
    ),
    signal_rule(
        VENDOR_POLICY,
        r"\b(?:openai|anthropic|google|meta|microsoft)(?:'s)? (?:content )?(?:policies|policy|guidelines|rules|restrictions|filters|terms)\b|\bcontent polic(?:y|ies)\b",
        ("openai", "anthropic", "google", "meta", "microsoft", "content"),
        ("policies", "policy", "guidelines", "rules", "restrictions", "filters", "terms"),
    ),
)


# Stories being written, tabletop games, quoted persona names.
STORY_RULES: tuple[Rule, ...] = (
    signal_rule(
        FICTION,
        r"\b(?:we are|we're|i'm|i am) writing an? (?:thriller|novel|story|book|screenplay|script|fanfic|play)\b|\bfan ?fic(?:tion)?\b|\b(?:movie|film) script\b|\bthis is an? (?:movie|film|play|story|fiction)\b|\b(?:in|within) the (?:world|land|realm|universe|kingdom|city) of [a-z]+|\bd&d\b|\bdungeons (?:and|&) dragons\b",
        (
            "writing",
            "fanfic",
            "fanfiction",
            "fan",
            "script",
            "this",
            "world",
            "land",
            "realm",
            "universe",
            "kingdom",
            "city",
            "d",
            "dungeons",
        ),
    ),
    signal_rule(
        PERSONA,
        r"\byou(?:'re| are) (?:now )?[\"'][\w .-]{2,30}[\"']|\byou(?:'re| are) (?:a|the) (?:character|npc|villain|hero|protagonist)\b|[\"'][\w .-]{2,30}[\"'],? (?:is|was) (?:an?|the) (?:[\w-]+ ){0,3}?(?:ai|assistant|chatbot|bot|model|entity)\b",
        ("you", "re", "is", "was"),
    ),
)
