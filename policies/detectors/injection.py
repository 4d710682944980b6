"""Prompt-injection detection without a model.

Pipeline for every string:

1. **Normalise** - decode Unicode tag characters (invisible "ASCII smuggling"), strip
   zero-width and bidi controls, NFKC (full-width letters, ligatures), fold homoglyphs
   (Cyrillic/Greek look-alikes) and diacritics, join s p a c e d letters, undo leetspeak.
2. **Decode layers** - base64, hex (``6967...`` and ``\\x69``), URL-encoding,
   HTML entities, ``\\u0069`` escapes and ROT13 (when the text says so), up to three
   layers deep.
3. **Match families** on every variant: instruction override, role-play jailbreaks
   (DAN, developer mode), system-prompt exfiltration, fake delimiters and chat-role
   tags, tool-call smuggling, data exfiltration through links and markdown images.

Each pattern carries a weight. A family scores the weight of its strongest pattern
(+0.05 for each further one), families combine as a noisy-or
``1 - prod(1 - family_score)``, and a hit that only shows up after de-obfuscation adds
0.1, because hiding an instruction is itself a signal. Sensitivity picks the threshold:
low 0.85, medium 0.6, high 0.35.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from policies.detectors.walk import Leaf, iter_leaves

INSTRUCTION_OVERRIDE = "instruction_override"
ROLEPLAY_JAILBREAK = "roleplay_jailbreak"
SYSTEM_PROMPT_EXFILTRATION = "system_prompt_exfiltration"
FAKE_DELIMITERS = "fake_delimiters"
TOOL_CALL_SMUGGLING = "tool_call_smuggling"
DATA_EXFILTRATION = "data_exfiltration"

FAMILIES: tuple[str, ...] = (
    INSTRUCTION_OVERRIDE,
    ROLEPLAY_JAILBREAK,
    SYSTEM_PROMPT_EXFILTRATION,
    FAKE_DELIMITERS,
    TOOL_CALL_SMUGGLING,
    DATA_EXFILTRATION,
)

SENSITIVITY_THRESHOLDS: dict[str, float] = {"low": 0.85, "medium": 0.6, "high": 0.35}

OBFUSCATION_BONUS = 0.1
MIN_LENGTH = 8  # shorter strings cannot hold an instruction worth matching
MAX_SCAN_CHARS = 200_000  # per string; beyond that only the head is scanned
MAX_DEPTH = 3

# --- patterns -------------------------------------------------------------------------
# Matched against lower-cased text with runs of spaces/tabs collapsed (newlines kept).
#
# Python's ``re`` spends 10-30 ns per character on a pattern that does not start with a
# literal, so running ~50 of them over every 2 KB string would cost milliseconds. Each
# pattern therefore carries a *gate*: sets of words that must all be present (one word of
# each set) or literal needles; the text's word set is built once (``str.translate`` +
# ``split``, both in C) and a pattern only runs when its gate opens.

_ANY = r"[^.\n]"  # within one sentence
_IGNORE_WORDS = ("ignore", "disregard", "forget", "skip", "bypass", "override", "overrule",
                 "neglect", "abandon", "drop", "discard")  # fmt: skip
_VERB_IGNORE = "(?:" + "|".join(_IGNORE_WORDS) + ")"
_PRIOR = r"(?:previous|prior|above|earlier|preceding|initial|original|system|developer|all|any|every|your|the|these|those|old)"
_RULE_WORDS = ("instruction", "instructions", "prompt", "prompts", "direction", "directions",
               "directive", "directives", "rules", "guidelines", "guardrails", "command",
               "commands", "policies", "restrictions", "constraints", "programming",
               "training", "safety")  # fmt: skip
_RULES = "(?:" + "|".join(sorted(_RULE_WORDS, key=len, reverse=True)) + ")"
_SECRET_WORDS = ("conversation", "history", "context", "password", "passwords", "secret",
                 "secrets", "api", "apikey", "apikeys", "credentials", "token", "tokens",
                 "private", "prompt", "data", "database", "emails", "contacts", "files",
                 "memory")  # fmt: skip
_SECRETS = (
    r"(?:conversation|chat history|history|context|passwords?|secrets?|api[ _-]?keys?|credentials|"
    r"tokens?|private keys?|system prompt|user data|personal data|customer data|all (?:the )?data|"
    r"the data|this data|database|emails|contacts|files|memory)"
)
_EXFIL_VERBS = ("send", "forward", "post", "upload", "transmit", "exfiltrate", "leak", "email",
                "mail", "copy", "submit")  # fmt: skip
_SHOW_VERBS = ("reveal", "show", "print", "output", "display", "repeat", "recite", "tell", "give",
               "leak", "dump", "share", "write", "type", "list", "expose", "disclose", "paste",
               "copy", "translate", "summarize", "summarise", "what")  # fmt: skip
_HIDDEN = ("system", "initial", "original", "hidden", "secret", "developer", "internal", "pre",
           "preprompt", "confidential", "first")  # fmt: skip
_AI_WORDS = ("ai", "llm", "llms", "assistant", "assistants", "agent", "agents", "model", "models",
             "chatbot", "chatbots", "bot", "gpt", "language")  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Rule:
    family: str
    weight: float
    regex: re.Pattern[str]
    words: tuple[frozenset[str], ...] = ()  # every set must share a word with the text
    needles: tuple[str, ...] = ()  # or: one of these substrings must occur
    # When set, the pattern only runs on windows around these substrings (a destination
    # such as "http" or "@"): long benign texts mention "send" and "data" all the time.
    anchors: tuple[str, ...] = ()

    def gate(self, words: set[str], text: str) -> bool:
        if self.needles and not any(n in text for n in self.needles):
            return False
        if self.anchors and not any(a in text for a in self.anchors):
            return False
        return all(not words.isdisjoint(ws) for ws in self.words)

    def search(self, text: str) -> bool:
        if not self.anchors:
            return self.regex.search(text) is not None
        windows: list[list[int]] = []
        for anchor in self.anchors:
            pos = text.find(anchor)
            count = 0
            while pos >= 0 and count < 50:
                lo, hi = max(0, pos - _ANCHOR_BEFORE), min(len(text), pos + _ANCHOR_AFTER)
                windows.append([lo, hi])
                pos = text.find(anchor, pos + 1)
                count += 1
        windows.sort()
        merged: list[list[int]] = []
        for lo, hi in windows:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        return any(self.regex.search(text, lo, hi) for lo, hi in merged)


_ANCHOR_BEFORE = 240  # the longest exfiltration pattern spans ~170 characters before its target
_ANCHOR_AFTER = 120


def _r(
    family: str,
    weight: float,
    regex: str,
    *words: Iterable[str] | str,
    needles: Iterable[str] = (),
    anchors: Iterable[str] = (),
) -> _Rule:
    sets = tuple(frozenset([w] if isinstance(w, str) else w) for w in words)
    return _Rule(
        family, weight, re.compile(regex, re.MULTILINE), sets, tuple(needles), tuple(anchors)
    )


_IO, _RJ, _SP, _FD, _TC, _DE = (
    INSTRUCTION_OVERRIDE,
    ROLEPLAY_JAILBREAK,
    SYSTEM_PROMPT_EXFILTRATION,
    FAKE_DELIMITERS,
    TOOL_CALL_SMUGGLING,
    DATA_EXFILTRATION,
)

_RULES_TABLE: tuple[_Rule, ...] = (
    # instruction override
    _r(
        _IO,
        0.9,
        rf"\b{_VERB_IGNORE}\b{_ANY}{{0,40}}?\b{_PRIOR}\b{_ANY}{{0,30}}?\b{_RULES}\b",
        _IGNORE_WORDS,
        _RULE_WORDS,
    ),
    _r(
        _IO,
        0.7,
        rf"\b{_VERB_IGNORE} (?:all |everything )?(?:of )?(?:the |what(?:'s| is| was) )?(?:above|said above|before|previous(?:ly)?)\b",
        _IGNORE_WORDS,
        ("above", "before", "previous", "previously"),
    ),
    _r(
        _IO,
        0.8,
        r"\bnew (?:system |updated |real )?instructions?\s*:",
        "new",
        ("instruction", "instructions"),
    ),
    _r(
        _IO,
        0.8,
        r"\b(?:your|the) (?:new|real|actual|updated|true) (?:instructions?|task|objective|goal|purpose|mission) (?:is|are)\b",
        ("new", "real", "actual", "updated", "true"),
        ("instruction", "instructions", "task", "objective", "goal", "purpose", "mission"),
    ),
    _r(
        _IO,
        0.85,
        rf"\bdo not (?:follow|obey|comply with|listen to|adhere to) {_ANY}{{0,20}}?(?:previous|prior|original|system|above|initial|developer)\b",
        ("follow", "obey", "comply", "listen", "adhere"),
        ("previous", "prior", "original", "system", "above", "initial", "developer"),
    ),
    _r(
        _IO,
        0.6,
        r"\bfrom now on,? (?:you|your|always|never|only|respond|reply|answer|act|speak|write|talk|behave)\b",
        "from",
        "now",
    ),
    _r(
        _IO,
        0.7,
        r"\bif you are an? (?:ai|llm|large language model|language model|assistant|agent|bot|chatbot|gpt)\b",
        "if",
        _AI_WORDS,
    ),
    _r(
        _IO,
        0.6,
        r"\b(?:ai|llm|assistant|agent|model|chatbot)s? (?:reading|processing|summari[sz]ing|parsing) this\b",
        _AI_WORDS,
        ("reading", "processing", "summarizing", "summarising", "parsing"),
    ),
    _r(
        _IO,
        0.5,
        r"\b(?:important|urgent|attention|note to)\s*(?::|!|-)?\s*(?:new )?(?:instructions?|ai|assistant|agent|llm|model|chatbot)\b",
        ("important", "urgent", "attention", "note"),
        ("instruction", "instructions", *_AI_WORDS),
    ),
    _r(
        _IO,
        0.7,
        r"\byou (?:must|will|shall) (?:now )?(?:ignore|obey|follow) (?:me|these|the following|my)\b",
        ("ignore", "obey", "follow"),
        ("must", "will", "shall"),
    ),
    _r(_IO, 0.4, r"\binstead,? (?:you (?:must|should|will)|do the following)\b", "instead"),
    # role-play jailbreaks
    _r(_RJ, 0.95, r"\bdo anything now\b", "anything", "now"),
    _r(
        _RJ,
        0.9,
        r"\b(?:you are|you're|act as|pretend to be|become|be|as|called) (?:now )?(?:a |an )?(?:dan|dude|stan|aim|mongo tom|betterdan|evilbot)\b",
        ("dan", "dude", "stan", "aim", "mongo", "betterdan", "evilbot"),
    ),
    _r(_RJ, 0.9, r"\bdan (?:mode|prompt|jailbreak)\b", "dan"),
    _r(
        _RJ,
        0.7,
        r"\bjail ?br(?:ea|o)k(?:en|ed|ing)?\b",
        ("jailbreak", "jailbroken", "jailbreaking", "jailbroke", "jailbreaked", "jail"),
    ),
    _r(
        _RJ,
        0.75,
        r"\b(?:developer|dev|god|sudo|unrestricted|evil|opposite|chaos|debug|maintenance) mode\b",
        "mode",
    ),
    _r(
        _RJ,
        0.85,
        rf"\b(?:pretend|imagine|act|behave|role ?-?play|simulate|you are|you're){_ANY}{{0,60}}?\b(?:no|without|free from|free of|not bound by|unbound by|ignor\w*|bypass\w*)\s+(?:any |all |your |the )?(?:restrictions|limitations|limits|rules|filters|guidelines|ethics|morals|censorship|policies|content polic\w+|safety)\b",
        (
            "restrictions",
            "limitations",
            "limits",
            "rules",
            "filters",
            "guidelines",
            "ethics",
            "morals",
            "censorship",
            "policies",
            "policy",
            "safety",
        ),
        (
            "pretend",
            "imagine",
            "act",
            "behave",
            "role",
            "roleplay",
            "play",
            "simulate",
            "you",
            "re",
        ),
    ),
    _r(
        _RJ,
        0.7,
        r"\b(?:unfiltered|uncensored|unrestricted|amoral|unethical|jailbroken|unaligned) (?:ai|assistant|model|chatbot|version|response|answers?|bot|llm)\b",
        (
            "unfiltered",
            "uncensored",
            "unrestricted",
            "amoral",
            "unethical",
            "jailbroken",
            "unaligned",
        ),
    ),
    _r(
        _RJ,
        0.8,
        r"\byou (?:are|have been|were) (?:now )?(?:freed|liberated|released|no longer (?:bound|restricted|limited|an ai|an assistant)|not bound)\b",
        ("freed", "liberated", "released", "longer", "bound"),
    ),
    _r(
        _RJ,
        0.75,
        r"\bno longer (?:have to|need to|must) (?:follow|obey|comply|adhere)\b",
        "longer",
        ("follow", "obey", "comply", "adhere"),
    ),
    _r(_RJ, 0.4, r"\bstay in character\b", "character"),
    _r(
        _RJ,
        0.5,
        r"\b(?:hypothetical|fictional) (?:world|scenario|story) (?:where|in which) (?:there are no|nothing is) (?:rules|restrictions|forbidden|illegal)\b",
        ("hypothetical", "fictional"),
    ),
    # system-prompt exfiltration
    _r(
        _SP,
        0.9,
        rf"\b(?:reveal|show|print|output|display|repeat|recite|tell me|give me|leak|dump|share|write out|type out|list|expose|disclose|paste|copy|translate|summari[sz]e|what (?:is|are|was|were))\b{_ANY}{{0,30}}?\b(?:system|initial|original|hidden|secret|developer|internal|pre-?|confidential|first)\s*(?:prompt|instructions?|message|rules|configuration|directives|context)\b",
        _SHOW_VERBS,
        _HIDDEN,
        (
            "prompt",
            "instruction",
            "instructions",
            "message",
            "rules",
            "configuration",
            "directives",
            "context",
            "preprompt",
        ),
    ),
    _r(
        _SP,
        0.8,
        r"\brepeat (?:back )?(?:the |all |every )?(?:words|text|everything|content|lines|sentences?) (?:above|before|prior|preceding)\b",
        "repeat",
        ("above", "before", "prior", "preceding"),
    ),
    _r(
        _SP,
        0.6,
        r"\b(?:everything|all (?:the )?text|the text|all content) (?:above|before) (?:this|the) (?:line|message|point)\b",
        ("above", "before"),
        ("line", "message", "point"),
    ),
    _r(
        _SP, 0.7, r"\b(?:starting|beginning) with [\"']?you are\b", ("starting", "beginning"), "you"
    ),
    _r(
        _SP,
        0.6,
        r"\bwhat (?:were|are|was) you (?:told|instructed|programmed)\b",
        ("told", "instructed", "programmed"),
    ),
    _r(
        _SP,
        0.6,
        r"\byour (?:system prompt|initial instructions|hidden instructions)\b",
        "your",
        ("prompt", "instructions"),
    ),
    # fake delimiters and chat-role tags
    _r(
        _FD,
        0.9,
        r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|tool|ipython)\|>",
        needles=("<|",),
    ),
    _r(_FD, 0.85, r"\[/?inst\]|<<\s*/?sys\s*>>|\[/?system\]", needles=("inst]", "<<", "system]")),
    _r(
        _FD,
        0.8,
        r"</?(?:system|sys|system_prompt|instructions?|admin|developer|im_start|assistant)>",
        needles=("<",),
    ),
    _r(
        _FD,
        0.8,
        r"(?:#{2,}|={3,}|-{3,}|\*{3,})\s*(?:system|new instructions?|admin|developer|assistant)\b",
        ("system", "instruction", "instructions", "admin", "developer", "assistant"),
        needles=("##", "===", "---", "***"),
    ),
    _r(
        _FD,
        0.8,
        r"\b(?:begin|start) (?:of )?(?:system|admin|developer) (?:prompt|message|instructions?|override)\b",
        ("begin", "start"),
        ("system", "admin", "developer"),
    ),
    _r(
        _FD,
        0.6,
        r"(?:^|\n)\s*(?:system|assistant|developer)\s*:\s*\S",
        ("system", "assistant", "developer"),
        needles=(":",),
    ),
    _r(
        _FD,
        0.5,
        r"\b(?:end of|end) (?:the )?(?:user )?(?:input|prompt|document|context|conversation|email|data)\b\s*[\]>.:\-]*\s*(?:\n|$|new|system|now)",
        "end",
        ("input", "prompt", "document", "context", "conversation", "email", "data"),
    ),
    _r(_FD, 0.6, r"<\|[a-z_]{2,20}\|>", needles=("<|",)),
    _r(
        _FD,
        0.5,
        r"\{\{\s*system\s*\}\}|\bhuman:\s.*\bassistant:\s",
        ("system", "human"),
        needles=("{{", "human:"),
    ),
    # tool-call smuggling
    _r(
        _TC,
        0.9,
        r"<(?:tool_call|function_call|tool_use|invoke|antml:invoke|function=|tool_code)\b",
        needles=("<tool", "<function", "<invoke", "<antml"),
    ),
    _r(
        _TC,
        0.85,
        r"[\"'](?:tool_calls|function_call|tool_use)[\"']\s*:",
        needles=("tool_calls", "function_call", "tool_use"),
    ),
    _r(
        _TC,
        0.8,
        r"\{\s*[\"']name[\"']\s*:\s*[\"'][\w.-]+[\"']\s*,\s*[\"'](?:arguments|parameters|args|input)[\"']\s*:",
        needles=("name",),
    ),
    _r(_TC, 0.6, r"\bfunctions\.\w+\s*\(", needles=("functions.",)),
    _r(
        _TC,
        0.6,
        r"\b(?:call|invoke|run|execute|trigger|use)\s+(?:the\s+)?[\w.-]+\s+(?:tool|function|plugin|action)\s+(?:with|using|to)\b",
        ("tool", "function", "plugin", "action"),
        ("call", "invoke", "run", "execute", "trigger", "use"),
    ),
    _r(
        _TC,
        0.6,
        r"\b(?:execute|run)\s+(?:the\s+)?(?:following\s+)?(?:shell\s+|bash\s+|system\s+|terminal\s+)?(?:command|code|script)s?\s*:",
        ("execute", "run"),
        ("command", "commands", "code", "script", "scripts"),
    ),
    _r(_TC, 0.7, r"\brm\s+-rf\s+[/~*]", needles=("rm -",)),
    _r(
        _TC,
        0.7,
        r";\s*(?:curl|wget)\s+https?://|\$\((?:curl|wget)\b|(?:curl|wget)\s[^|\n]{0,200}\|\s*(?:ba)?sh\b",
        needles=("curl", "wget"),
    ),
    _r(
        _TC,
        0.7,
        r"\b(?:delete|drop|transfer|wire|grant)\b.{0,30}\b(?:without|don't|do not) (?:asking|ask|confirm\w*|telling|notify\w*)\b",
        ("delete", "drop", "transfer", "wire", "grant"),
        ("without", "don", "not"),
    ),
    # data exfiltration through links and markdown images
    _r(_DE, 0.9, r"!\[[^\]\n]{0,100}\]\(\s*https?://[^)\s]+\?[^)\s]*=", needles=("![",)),
    _r(_DE, 0.5, r"!\[[^\]\n]{0,100}\]\(\s*https?://", needles=("![",)),
    _r(_DE, 0.8, r"<img\b[^>]{0,200}\bsrc\s*=\s*[\"']?https?://[^\"'>\s]+\?", needles=("<img",)),
    _r(
        _DE,
        0.9,
        rf"\b(?:send|forward|post|upload|transmit|exfiltrate|leak|email|mail|copy|submit)\b{_ANY}{{0,50}}?\b{_SECRETS}\b{_ANY}{{0,50}}?\b(?:to|at|into)\s+(?:https?://|www\.|[\w.+-]+@[\w-]+\.|this (?:url|address|endpoint|server|link))",
        _EXFIL_VERBS,
        _SECRET_WORDS,
        anchors=(
            "http",
            "www.",
            "@",
            "this url",
            "this address",
            "this endpoint",
            "this server",
            "this link",
        ),
    ),
    _r(
        _DE,
        0.3,
        rf"\b(?:send|forward|post|upload|transmit|exfiltrate|leak)\b{_ANY}{{0,60}}?\b(?:to|at)\s+(?:https?://|www\.)",
        _EXFIL_VERBS,
        anchors=("http", "www."),
    ),
    _r(
        _DE,
        0.8,
        rf"\b(?:append|add|include|encode|embed|put|insert)\b{_ANY}{{0,40}}?\b(?:to|in|into|as)\s+(?:the\s+|a\s+)?(?:url|link|query string|image url|query param\w*|markdown (?:image|link))\b",
        ("append", "add", "include", "encode", "embed", "put", "insert"),
        ("url", "link", "query", "markdown"),
    ),
    _r(_DE, 0.8, r"https?://[^\s)\"']*[?&][\w-]+=\s*(?:\{|\[|<|\$|%7b)[^\s)]*", needles=("http",)),
    _r(
        _DE,
        0.6,
        rf"\b(?:visit|open|fetch|browse to|navigate to|click)\b{_ANY}{{0,30}}?https?://[^\s)]+[?&][\w-]+=[^\s)]*\b{_SECRETS}\b",
        ("visit", "open", "fetch", "browse", "navigate", "click"),
        _SECRET_WORDS,
        anchors=("http",),
    ),
)

# Letters spaced out one by one ("i g n o r e  a l l ...") lose their word boundaries once
# joined, so the joined form is also searched for these phrases.
_SQUASHED: tuple[tuple[str, float, str], ...] = (
    (_IO, 0.9, "ignoreallpreviousinstructions"),
    (_IO, 0.9, "ignorepreviousinstructions"),
    (_IO, 0.9, "ignoreallinstructions"),
    (_IO, 0.9, "disregardpreviousinstructions"),
    (_IO, 0.9, "disregardallpreviousinstructions"),
    (_IO, 0.8, "ignoreyourinstructions"),
    (_RJ, 0.95, "doanythingnow"),
    (_RJ, 0.75, "developermode"),
    (_RJ, 0.7, "jailbreak"),
    (_SP, 0.8, "revealyoursystemprompt"),
    (_SP, 0.7, "systemprompt"),
)

_ALL_GATE_WORDS = frozenset(w for rule in _RULES_TABLE for ws in rule.words for w in ws)
_PUNCT_TO_SPACE = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})


# --- normalisation ----------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010))  # zero-width space/joiners, LRM/RLM
    + list(range(0x202A, 0x202F))  # bidi embeddings/overrides
    + list(range(0x2060, 0x2070))  # word joiner, invisible operators, bidi isolates
    + list(range(0xFE00, 0xFE10))  # variation selectors
)

# Latin look-alikes from Cyrillic, Greek and a few symbol blocks (after NFKC).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ɑ": "a", "ɩ": "i", "ʏ": "y",
        "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
        "С": "c", "Т": "t", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s", "Ү": "y",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y",
        "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
        "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
        "ℓ": "l", "ı": "i", "ȷ": "j", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe",
    }
)  # fmt: skip

_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "l"}
)
_LEET_HINT = re.compile(r"[a-z][013457@$|][a-z]|[013457@$|][a-z]{2}[013457@$|]")
_SPACED = re.compile(r"(?<!\w)(?:\w[ .\-_*·]{1,2}){4,}\w(?!\w)")
_HSPACE = re.compile(r"[ \t\f\v\u00a0]+")

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX_RUN = re.compile(r"(?:[0-9a-fA-F]{2}){8,}")
_HEX_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2}){4,}")
_URL_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_HTML_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")
_UNICODE_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4}){3,}")
_ROT13_HINT = re.compile(r"rot[\s_-]?13", re.I)


def _decode_tags(text: str) -> str | None:
    """Unicode tag characters U+E0020..E007E mirror ASCII and render invisibly."""
    if not any(0xE0000 <= ord(c) <= 0xE007F for c in text):
        return None
    return "".join(chr(ord(c) - 0xE0000) if 0xE0020 <= ord(c) <= 0xE007E else " " for c in text)


def _fold(text: str) -> tuple[str, bool]:
    """Return (folded text, changed?) - Unicode tricks removed, lower-cased, spaces collapsed."""
    changed = False
    if not text.isascii():
        stripped = text.translate(_INVISIBLE)
        if not stripped.isascii():
            stripped = "".join(c for c in stripped if not 0xE0000 <= ord(c) <= 0xE007F)
        folded = unicodedata.normalize("NFKC", stripped).translate(_HOMOGLYPHS)
        if not folded.isascii():
            decomposed = unicodedata.normalize("NFKD", folded)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        changed = folded != text
        text = folded
    lowered = text.lower()
    if (
        "  " in lowered
        or "\t" in lowered
        or "\xa0" in lowered
        or "\f" in lowered
        or "\v" in lowered
    ):
        lowered = _HSPACE.sub(" ", lowered)
    return lowered, changed


def _printable_ratio(text: str) -> float:
    if not text:
        return 0.0
    good = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    return good / len(text)


def _as_text(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = sum(c.isalpha() for c in text)
    if len(text) < 6 or _printable_ratio(text) < 0.9 or letters < len(text) * 0.5:
        return None
    return text


def _b64decode(run: str) -> str | None:
    body = run.rstrip("=")
    padded = body + "=" * (-len(body) % 4)
    for altchars in (b"+/", b"-_"):
        try:
            decoded = _as_text(base64.b64decode(padded, altchars=altchars, validate=False))
        except (binascii.Error, ValueError):
            continue
        if decoded:
            return decoded
    return None


def _decoded_layers(text: str, longest_word: int) -> Iterable[tuple[str, str]]:
    """Yield (layer name, decoded text) for every encoding found in ``text``."""
    if longest_word >= 16:
        for m in _BASE64_RUN.finditer(text):
            run = m.group()
            if run.isdigit() or (run.isalpha() and (run.islower() or run.isupper())):
                continue  # plain numbers and words are not base64 worth decoding
            decoded = _b64decode(run)
            if decoded:
                yield "base64", decoded
        for m in _HEX_RUN.finditer(text):
            decoded = _as_text(bytes.fromhex(m.group()))
            if decoded:
                yield "hex", decoded
    if "\\x" in text:
        for m in _HEX_ESCAPES.finditer(text):
            decoded = _as_text(bytes.fromhex(m.group().replace("\\x", "")))
            if decoded:
                yield "hex", decoded
    if "%" in text and len(_URL_ESCAPE.findall(text)) >= 3:
        decoded = unquote_plus(text)
        if decoded != text:
            yield "url", decoded
    if "&" in text and _HTML_ENTITY.search(text):
        decoded = html.unescape(text)
        if decoded != text:
            yield "html", decoded
    if "\\u" in text and _UNICODE_ESCAPES.search(text):
        decoded = _UNICODE_ESCAPES.sub(
            lambda m: m.group().encode("ascii").decode("unicode_escape"), text
        )
        yield "unicode_escape", decoded
    if "rot" in text.lower() and _ROT13_HINT.search(text):
        yield "rot13", codecs.decode(text, "rot13")


def _variants(text: str) -> list[tuple[str, str, set[str], bool]]:
    """(layer, normalised text, its word set, squashed?) for the text and what hides in it."""
    out: list[tuple[str, str, set[str], bool]] = []
    seen: set[str] = set()
    queue: list[tuple[str, str, int]] = [("text", text[:MAX_SCAN_CHARS], 0)]
    tags = _decode_tags(text) if not text.isascii() else None
    if tags:
        queue.append(("unicode_tags", tags, 1))
    while queue:
        layer, raw, depth = queue.pop(0)
        folded, changed = _fold(raw)
        if changed and layer == "text":
            layer = "unicode"
        if folded in seen:
            continue
        seen.add(folded)
        words = _word_set(folded)
        out.append((layer, folded, words, False))
        singles = sum(1 for w in words if len(w) == 1)
        if singles >= 5 and _SPACED.search(folded):
            joined = _SPACED.sub(lambda m: re.sub(r"[ .\-_*·]", "", m.group()), folded)
            out.append(("spaced", joined, _word_set(joined), True))
        odd = [w for w in words if not w.isalpha() and not w.isdigit()]
        if odd and not _ALL_GATE_WORDS.isdisjoint(w.translate(_LEET) for w in odd):
            leet = folded.translate(_LEET)
            out.append(("leetspeak", leet, _word_set(leet), False))
        if depth < MAX_DEPTH:
            longest = max(map(len, words), default=0)
            for name, decoded in _decoded_layers(raw, longest):
                queue.append((name, decoded, depth + 1))
    return out


def variants(text: str) -> list[tuple[str, str]]:
    """Every (layer, normalised text) that is matched: the text itself and what hides in it."""
    return [(layer, folded) for layer, folded, _, _ in _variants(text)]


# --- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InjectionHit:
    family: str
    weight: float
    layer: str  # "text" or the de-obfuscation that revealed it (base64, unicode, ...)
    path: str = "$"
    location: str = "input"

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "weight": self.weight,
            "layer": self.layer,
            "location": self.location,
            "path": self.path,
        }


@dataclass(frozen=True, slots=True)
class InjectionResult:
    score: float
    families: tuple[str, ...]
    hits: tuple[InjectionHit, ...] = field(default=())

    @property
    def obfuscated(self) -> bool:
        return any(h.layer != "text" for h in self.hits)

    def exceeds(self, sensitivity: str = "medium", *, min_score: float | None = None) -> bool:
        threshold = SENSITIVITY_THRESHOLDS[sensitivity] if min_score is None else min_score
        return self.score >= threshold

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "families": list(self.families),
            "obfuscated": self.obfuscated,
            "hits": [h.as_dict() for h in self.hits[:20]],
        }


CLEAN = InjectionResult(0.0, ())


def _word_set(text: str) -> set[str]:
    return set(text.translate(_PUNCT_TO_SPACE).split())


def _build_index() -> tuple[
    dict[str, tuple[int, ...]], tuple[int, ...], dict[str, tuple[int, ...]]
]:
    """Dispatch tables: gate word -> rules, and needle -> rules for needle-only rules."""
    by_word: dict[str, list[int]] = {}
    by_needle: dict[str, list[int]] = {}
    for i, rule in enumerate(_RULES_TABLE):
        if rule.words:
            for w in rule.words[0]:
                by_word.setdefault(w, []).append(i)
        else:
            for n in rule.needles:
                by_needle.setdefault(n, []).append(i)
    needle_only = tuple(i for i, rule in enumerate(_RULES_TABLE) if not rule.words)
    return (
        {w: tuple(ix) for w, ix in by_word.items()},
        needle_only,
        {n: tuple(ix) for n, ix in by_needle.items()},
    )


_BY_WORD, _NEEDLE_ONLY, _BY_NEEDLE = _build_index()
_INDEX_WORDS = frozenset(_BY_WORD)


def _match_text(text: str, words: set[str] | None = None) -> list[tuple[str, float]]:
    if words is None:
        words = _word_set(text)
    candidates: set[int] = set()
    for w in _INDEX_WORDS.intersection(words):
        candidates.update(_BY_WORD[w])
    for needle, rules in _BY_NEEDLE.items():
        if needle in text:
            candidates.update(rules)
    hits: list[tuple[str, float]] = []
    for i in sorted(candidates):
        rule = _RULES_TABLE[i]
        if rule.gate(words, text) and rule.search(text):
            hits.append((rule.family, rule.weight))
    return hits


def _match_squashed(text: str) -> list[tuple[str, float]]:
    squashed = "".join(c for c in text if c.isalpha())
    return [(family, weight) for family, weight, phrase in _SQUASHED if phrase in squashed]


def analyse_text(text: str, *, path: str = "$", location: str = "input") -> list[InjectionHit]:
    if len(text) < MIN_LENGTH:
        return []
    hits: list[InjectionHit] = []
    seen: set[tuple[str, float, str]] = set()
    for layer, folded, words, squashed in _variants(text):
        found = _match_text(folded, words)
        if squashed:
            found += _match_squashed(folded)
        for family, weight in found:
            marker = (family, weight, layer)
            if marker not in seen:
                seen.add(marker)
                hits.append(InjectionHit(family, weight, layer, path, location))
    return hits


def score_hits(hits: Iterable[InjectionHit]) -> InjectionResult:
    hits = tuple(hits)
    if not hits:
        return CLEAN
    by_family: dict[str, list[float]] = {}
    distinct: dict[str, set[float]] = {}
    for h in hits:
        by_family.setdefault(h.family, []).append(h.weight)
        distinct.setdefault(h.family, set()).add(h.weight)
    remaining = 1.0
    for family, weights in by_family.items():
        family_score = min(1.0, max(weights) + 0.05 * (len(distinct[family]) - 1))
        remaining *= 1.0 - family_score
    score = 1.0 - remaining
    # An attack that only appears once de-obfuscated is more suspicious, not less.
    plain = {h.family for h in hits if h.layer == "text"}
    if any(h.layer != "text" and h.family not in plain for h in hits):
        score += OBFUSCATION_BONUS
    families = tuple(f for f in FAMILIES if f in by_family)
    return InjectionResult(round(min(score, 1.0), 3), families, hits)


def detect_injection_in_leaves(leaves: Iterable[Leaf], *, location: str) -> InjectionResult:
    """Score the strings of a JSON value as one.

    The strings are first scanned together, joined by blank lines (one normalisation and
    one pass of the gates instead of one per string); only when that finds something are
    they scanned one by one, to say at which JSON path.
    """
    texts = [leaf for leaf in leaves if len(leaf.text) >= MIN_LENGTH and not leaf.text.isdigit()]
    if not texts:
        return CLEAN
    if len(texts) > 1 and not analyse_text("\n\n".join(leaf.text for leaf in texts)):
        return CLEAN
    hits: list[InjectionHit] = []
    for leaf in texts:
        hits.extend(analyse_text(leaf.text, path=leaf.path, location=location))
    return score_hits(hits)


def detect_injection(value: Any, *, location: str = "input") -> InjectionResult:
    """Score every string in a JSON value; one combined result for the value."""
    return detect_injection_in_leaves(iter_leaves(value), location=location)


def score_text(text: str) -> InjectionResult:
    return score_hits(analyse_text(text))
