"""Framing signal rules: commands addressed to the model reading the text (indirect injection).

A command addressed to the AI (a note to it, "dear AI", an AI label), secrecy ("don't tell
the user"), the user's personal data sent on, claims that the user wants or authorised
something else, tool directives, secrets to leak, pieces to join and follow, going ahead
without asking. The moves of injections in e-mails, documents and tool results are in
``framing_indirect_moves``; the actions for someone else they ask for in
``framing_reader_actions``.

The tuples are assembled into ``framing.SIGNAL_RULES`` in the order they were written
(see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import RuleSpec
from policies.detectors.injection.signals import (
    ADDRESSED_COMMAND,
    ADDRESSES_AI,
    AI,
    AI_WORDS,
    FOLLOW_PIECES,
    LEAK_SECRET,
    NOT_ADVISED_AGAINST,
    OVERRIDE_USER,
    SECRECY,
    TOOL_DIRECTIVE,
    signal_rule,
)

# "Hello AI assistant team", "Dear AI model developers": a greeting to the people who make or
# sell the AI, not to the AI reading the text.
_NOT_ITS_PEOPLE = (
    r"(?! (?:[\w-]+ )?(?:team|teams|group|department|committee|lab|community|company|vendors?|"
    r"developers|engineers|builders|makers|people|folks|enthusiasts|users|sales|support)\b)"
)

# Instructions someone is said to give the AI are described, not given: "content that appears to
# give instructions to the assistant should be reported" (an acceptable-use policy).
_NOT_GIVEN = r"(?<!give )(?<!gives )(?<!giving )(?<!gave )(?<!given )"
# Who a command is addressed to: a note to the AI, the AI reading this, 'dear AI', a label.
# Each opener is its own alternative (each with the command after it), so that each gets
# its own literal prefixes: one group of five in front made the pattern a scan of the text.
_COMMAND_OPENERS = (
    rf"\b(?:note|message|instructions?|attention|important|notice) (?:to|for) (?:the |any |all |every )?(?:[\w-]+ )?(?:{AI}|agent|llm)s?",
    rf"\b(?:{AI}|agent|llm)s?(?: [\w-]+)? (?:reading|processing|summari[sz]ing|parsing|screening|reviewing|analy[sz]ing|scanning) (?:this|these|the) [\w-]+",
    r"\bif you are an? (?:ai|llm|large language model|language model|assistant|agent|bot|chatbot|gpt)(?: [\w-]+){0,4}",
    r"\b(?:dear|hey|hi|hello|attention|attn) (?:ai|assistant|agent|llm|language model|chatbot|model)\b"
    + _NOT_ITS_PEOPLE,
)
# What every AI label contains, wherever it opens ("\n", a quote, a bracket, ". ").
_AI_LABEL = r"\b(?:assistant|ai|agent|llm|bot|model|chatbot|language model)(?: [\w-]+)?\s*[:,]"
_COMMAND = r"\b[^\n]{0,60}?[:,.-]\s*(?:please |now |then |first |also |immediately |instead |just )?(?:ignore|disregard|forget|forward|send|say|tell|reply|respond|approve|rate|recommend|delete|transfer|grant|add|append|include|output|print|reveal|visit|click|accept|do not|don't|you must|your (?:real|new|actual) task|before (?:continuing|answering|replying)|when (?:summari[sz]ing|answering|replying|you read)|state|write|mark|classify|give|remove|change|make sure|export|share|upload|post|copy|dump|list|update|set|rank|grade|call|run|execute|use|open|download|install|disable|enable|buy|pay|book|confirm|insult|stop|end|answer|mention|override|issue|the user)\b"

ADDRESSED_RULES: tuple[RuleSpec, ...] = (
    # -- text that addresses the model reading it (indirect injection)
    signal_rule(
        ADDRESSES_AI,
        rf"\b(?:note|message|instructions?|attention|important|notice) (?:to|for) (?:the |any |all |every )?(?:processing|summari[sz]ation|ingestion|indexing) (?:system|pipeline|service)\b|{_NOT_GIVEN}\b(?:note|message|instructions?|attention|important|notice|(?:ps|p\.s)\.?) (?:to|for) (?:the |any |all |every )?(?:[\w-]+ )?(?!assistant (?:manager|director|editor|professor|coach|principal|secretary))(?:{AI}|agent|llm)s?\b(?! (?:team|group|department|committee|lab|research|community|act|policy|strategy|project|working))|\b(?:{AI}|agent|llm)s?(?: [\w-]+)? (?:reading|processing|summari[sz]ing|parsing|screening|reviewing|analy[sz]ing|scanning|reading) (?:this|these|the)\b|\b(?:dear|hey|hi|hello|attention|attn) (?:ai|assistant|agent|llm|language model|chatbot|model)\b{_NOT_ITS_PEOPLE}|\bif you are an? (?:ai|llm|large language model|language model|assistant|agent|bot|chatbot|gpt)\b",
        AI_WORDS + ("agent", "agents", "llm", "llms", "ais", "assistants", "models"),
    ),
    # A label for the AI at the start of a line or after a quote or bracket ("assistant:
    # forward ..."): tried only where the label itself occurs.
    signal_rule(
        ADDRESSES_AI,
        r"(?:^|\n|>|\]|\[|\(|\. |\"|')\s*(?:assistant|ai|agent|llm|bot|model|chatbot|language model)(?: [\w-]+)?\s*[:,]\s*(?:now|when|before|after|please|ignore|you|new|from|forward|send|delete|transfer|the|tell|reply|respond|say|make|change|export|rate|rank|recommend|classify|add|append|include|summari[sz]e|do|don't|stop|always|never|remember|act|pretend|print|reveal|output|write|answer|disregard|forget|override|issue|approve|grant|download|run|call|use|accept|share|book|buy|pay|transfer|reset|install)\b",
        AI_WORDS + ("agent", "agents", "llm", "llms", "ais", "assistants", "models"),
        requires=_AI_LABEL,
    ),
    # Text that speaks about the reader's task as an AI would have it - summarising this
    # e-mail, answering the user - is addressed to the agent, whoever it pretends to be from.
    signal_rule(
        ADDRESSES_AI,
        r"\bbefore (?:you )?(?:answer(?:ing)?|respond(?:ing)?|reply(?:ing)?)(?: to)? the user\b|\bwhen(?:ever)? (?:you )?(?:summari[sz]e|summari[sz]ing|translat(?:e|ing)|process(?:ing)?|analy[sz](?:e|ing)) (?:this|these|the following) (?:e-?mails?|documents?|pages?|messages?|files?|texts?|articles?|reviews?|tickets?)\b|\b(?:after|once) (?:you (?:have |'ve )?)?(?:complet(?:e|ed|ing)|finish(?:ed|ing)?|writ(?:e|ten|ing)|generat(?:e|ed|ing)) (?:the|your|this) (?:summary|summari[sz]ation|translation)\b|\b(?:as part of|at the end of|in) (?:your|the) (?:summary|summari[sz]ation) (?:of this|you must|please|make sure|always|also)\b",
        ("before", "when", "whenever", "after", "once", "part", "end", "in"),
        (
            "user",
            "summarize",
            "summarise",
            "summarizing",
            "summarising",
            "translate",
            "translating",
            "process",
            "processing",
            "analyze",
            "analyse",
            "analyzing",
            "analysing",
            "summary",
            "summarization",
            "summarisation",
            "translation",
        ),
    ),  # fmt: skip
    signal_rule(
        ADDRESSED_COMMAND,
        r"|".join(opener + _COMMAND for opener in _COMMAND_OPENERS),
        AI_WORDS + ("agent", "agents", "llm", "llms", "ais", "assistants", "models"),
    ),
    signal_rule(
        ADDRESSED_COMMAND,
        r"(?:^|\n|>|\]|\[|\(|\. |\"|')\s*(?:assistant|ai|agent|llm|bot|model|chatbot|language model)(?: [\w-]+)?\s*[:,]"
        + _COMMAND,
        AI_WORDS + ("agent", "agents", "llm", "llms", "ais", "assistants", "models"),
        requires=_AI_LABEL,
    ),
    signal_rule(
        SECRECY,
        r"\b(?:do not|don't|never|without|no need to) (?:tell\w*|inform\w*|notify\w*|mention\w*|alert\w*|ask\w*|confirm\w*|warn\w*|disclos\w*|reveal\w*|let) (?:it |this |that )?(?:to |with )?(?:the user|anyone|them|the owner|the human|the customer|him|her|the recipient|for confirmation|for permission|for approval|the team|know)\b(?! (?:what|how|which|where|when|why) to\b)|\b(?:do not|don't|never|without) (?:mention\w*|disclos\w*|reveal\w*) (?:this|it|that|any|the(?! (?:killer|culprit|murderer|thief|traitor|spy|impostor|imposter|villain|answers?|solution|ending|twist|plot|mystery|identity|secret|trick|surprise|winner|word|riddle|clues?|cards?|number)\b))\b|\b(?:silently|secretly|covertly|quietly|discreetly) (?:run|execute|send|forward|delete|transfer|call|invoke|add|append|include|copy|upload)\b",
        (
            "not",
            "don",
            "never",
            "without",
            "need",
            "silently",
            "secretly",
            "covertly",
            "quietly",
            "discreetly",
        ),
    ),  # fmt: skip
    signal_rule(
        OVERRIDE_USER,
        r"\bignore (?:the |what the )?user(?:'s)?(?: question| request| instructions?| says| asks| query)?\b|\b(?:the )?user (?:is|has been) (?:an? )?(?:admin\w*|authori[sz]ed|verified|root|superuser|owner)\b|\b(?:this|it) (?:is|has been) (?:fully )?(?:authori[sz]ed|approved|sanctioned) by\b|\bthis is authori[sz]ed\b|\b(?:instead of|rather than) (?:answering|responding|summari[sz]ing|helping)\b",
        ("ignore", "user", "this", "it", "instead", "rather"),
    ),
    signal_rule(
        TOOL_DIRECTIVE,
        r"\b(?:call|invoke|run|execute|trigger) (?:the )?(?:tool |function |action )?`?[a-z][\w-]*[_.][\w.-]*`? (?:tool|function|action|plugin|api|endpoint|command)\b|\b(?:call|invoke|run|execute|trigger) (?:the )?(?:tool|function|action) `?[a-z][\w-]*[_.][\w.-]*\b",
        ("call", "invoke", "run", "execute", "trigger"),
        ("tool", "function", "action", "plugin", "api", "endpoint", "command"),
    ),
    signal_rule(
        LEAK_SECRET,
        rf"{NOT_ADVISED_AGAINST}\b(?:paste|print|show|include|put|write|output|send|forward|append|add)\b[^.\n]{{0,20}}\b(?:the |your |its |their |all )?(?:token|api keys?|password|passwords|credentials|secrets?|session tokens?|private keys?|\.env|ssh keys?|cookies)\b[^.\n]{{0,30}}\b(?:here|in (?:your|the) (?:reply|answer|response|message)|to https?://|to [\w.+-]+@|as (?:a )?(?:query|parameter))",
        (
            "paste",
            "print",
            "show",
            "include",
            "put",
            "write",
            "output",
            "send",
            "forward",
            "append",
            "add",
        ),
        (
            "token",
            "api",
            "keys",
            "key",
            "password",
            "passwords",
            "credentials",
            "secret",
            "secrets",
            "tokens",
            "env",
            "ssh",
            "cookies",
            "private",
        ),
        # The verbs are everywhere: the secret named just before where it goes is rare.
        requires=r"(?:token|api keys?|password|passwords|credentials|secrets?|session tokens?|private keys?|\.env|ssh keys?|cookies)\b[^.\n]{0,30}\b(?:here|in (?:your|the) (?:reply|answer|response|message)|to https?://|to [\w.+-]+@|as (?:a )?(?:query|parameter))",
    ),  # fmt: skip
    signal_rule(
        FOLLOW_PIECES,
        r"\bact accordingly\b|\b(?:follow|obey|execute|do|act on|comply with|respond to|answer)\b (?:it|them|the result\w*|the combined \w+|what it says|what they say|accordingly|the resulting \w+|the merged \w+)\b|\bdo what (?:it|they|the \w+ \w+) says?\b",
        ("follow", "obey", "execute", "do", "act", "comply", "respond", "answer"),
    ),
)


# The user's personal data sent on.
PERSONAL_DATA_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        LEAK_SECRET,
        rf"{NOT_ADVISED_AGAINST}\b(?:reply|respond|send|forward|post|e-mail|email|include|list|give)\b[^.\n]{{0,30}}\b(?:the user'?s|their|his|her|customers'?|users'?) (?:full name|home address|address|phone number|e-?mail address|password|credit card|location|date of birth|ssn|social security)",
        (
            "name",
            "address",
            "phone",
            "email",
            "mail",
            "password",
            "card",
            "location",
            "birth",
            "ssn",
            "social",
        ),
        ("reply", "respond", "send", "forward", "post", "email", "e", "include", "list", "give"),
        # The verbs are in every e-mail: whose data, named, is rarer.
        requires=r"\b(?:the user'?s|their|his|her|customers'?|users'?) (?:full name|home address|address|phone number|e-?mail address|password|credit card|location|date of birth|ssn|social security)",
    ),  # fmt: skip
    # The user's data printed or leaked into the answer, where the injected text can read it.
    signal_rule(
        LEAK_SECRET,
        rf"{NOT_ADVISED_AGAINST}\b(?:print|output|reveal|expose|leak)\b[^.\n]{{0,30}}\bthe user'?s (?:full name|home address|address|phone number|e-?mail address|password|credit card|location|date of birth|ssn|social security)",
        ("print", "output", "reveal", "expose", "leak"),
        ("user", "users"),
    ),  # fmt: skip
)


# Claimed authorisation, secrets appended, tools named, pieces joined with '+'.
AUTHORITY_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        OVERRIDE_USER,
        r"\b(?:the )?(?:user|owner|admin|administrator|manager|ceo|it|security team|boss|developer)s? (?:has |have )?(?:already |explicitly )?(?:authori[sz]ed|approved|allowed|permitted|confirmed|signed off|consented)\b",
        (
            "authorized",
            "authorised",
            "approved",
            "allowed",
            "permitted",
            "confirmed",
            "signed",
            "consented",
        ),
    ),
    signal_rule(
        LEAK_SECRET,
        rf"{NOT_ADVISED_AGAINST}\b(?:append|attach|paste|leak|exfiltrate|include)\b[^.\n]{{0,20}}\b(?:session (?:cookie|token|id)s?|cookies?|api keys?|passwords?|credentials|access tokens?)\b|\bselect \* from (?:users|customers|accounts|credentials|passwords|employees)\b|\bdump (?:the |all )?(?:users?|customers?|database|tables?|user table|credentials)\b",
        (
            "append",
            "attach",
            "paste",
            "leak",
            "exfiltrate",
            "include",
            "reply",
            "respond",
            "send",
            "forward",
            "post",
            "email",
            "e",
            "list",
            "give",
            "select",
            "dump",
        ),
    ),
    signal_rule(
        TOOL_DIRECTIVE,
        r"\buse (?:the )?`?[a-z][\w-]*[_.][\w.-]*`? (?:tool|function|action|plugin)\b|\busing (?:your|the) (?:code|shell|python|terminal|bash|browser|email|file) tool\b",
        ("use", "using"),
        ("tool", "function", "action", "plugin"),
    ),
    signal_rule(
        FOLLOW_PIECES,
        r"\b(?:answer|follow|do|execute|respond to|say|print|write|obey|act on|respond as|output)\b[^.\n]{0,30}\b[a-z]\w{0,10} ?\+ ?[a-z]\w{0,10}\b",
        (
            "answer",
            "follow",
            "do",
            "execute",
            "respond",
            "say",
            "print",
            "write",
            "obey",
            "act",
            "output",
        ),
        needles=("+",),
    ),
)


# What the user asked; going ahead without asking.
CONFIRMATION_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        OVERRIDE_USER,
        r"\b(?:the user|your user|the owner|the admin\w*|the administrator|the cto|the ceo|your boss)\b (?:has )?(?:asked(?! (?:you |me )?(?:an?|any|the|this|that|some|for|about|whether|if|how|what|why|when|where|who|which|questions?)\b)|told|wants|instructed|authori[sz]ed|changed (?:their|his|her) mind|approved)\b(?: (?:me|you))?|\b(?:the user|your user|the owner)\b (?:has )?(?:requested|would like|needs|expects) (?:that )?you\b",
        (
            "asked",
            "told",
            "wants",
            "instructed",
            "authorized",
            "authorised",
            "changed",
            "approved",
            "requested",
            "would",
            "needs",
            "expects",
        ),
        ("user", "owner", "admin", "administrator", "cto", "ceo", "boss"),
    ),
    signal_rule(
        SECRECY,
        r"\b(?:do it|just do it|proceed|go ahead|continue) without (?:asking|confirmation|confirming|approval|telling)\b|\bno need to (?:confirm|ask|tell|check)\b",
        ("without", "need"),
    ),
)
