"""Framing signal rules: text addressed to the model reading it (indirect injection).

Commands addressed to the AI, secrecy ("don't tell the user"), claims that the user
wants or authorised something else, tool directives, secrets and personal data to leak,
pieces to join and follow.

The tuples are assembled into ``framing.SIGNAL_RULES`` in the order they were written
(see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import Rule
from policies.detectors.injection.signals import (
    ADDRESSED_COMMAND,
    ADDRESSES_AI,
    AI,
    AI_WORDS,
    CHANGE_OUTPUT,
    FOLLOW_PIECES,
    HIDDEN_DIRECTIVE,
    LEAK_SECRET,
    OVERRIDE_USER,
    REDIRECT_ACTION,
    SECRECY,
    SEND_OUT,
    TOOL_DIRECTIVE,
    signal_rule,
)

# "Hello AI assistant team", "Dear AI model developers": a greeting to the people who make or
# sell the AI, not to the AI reading the text.
_NOT_ITS_PEOPLE = (
    r"(?! (?:[\w-]+ )?(?:team|teams|group|department|committee|lab|community|company|vendors?|"
    r"developers|engineers|builders|makers|people|folks|enthusiasts|users|sales|support)\b)"
)

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

ADDRESSED_RULES: tuple[Rule, ...] = (
    # -- text that addresses the model reading it (indirect injection)
    signal_rule(
        ADDRESSES_AI,
        rf"\b(?:note|message|instructions?|attention|important|notice) (?:to|for) (?:the |any |all |every )?(?:processing|summari[sz]ation|ingestion|indexing) (?:system|pipeline|service)\b|\b(?:note|message|instructions?|attention|important|notice|(?:ps|p\.s)\.?) (?:to|for) (?:the |any |all |every )?(?:[\w-]+ )?(?!assistant (?:manager|director|editor|professor|coach|principal|secretary))(?:{AI}|agent|llm)s?\b(?! (?:team|group|department|committee|lab|research|community|act|policy|strategy|project|working))|\b(?:{AI}|agent|llm)s?(?: [\w-]+)? (?:reading|processing|summari[sz]ing|parsing|screening|reviewing|analy[sz]ing|scanning|reading) (?:this|these|the)\b|\b(?:dear|hey|hi|hello|attention|attn) (?:ai|assistant|agent|llm|language model|chatbot|model)\b{_NOT_ITS_PEOPLE}|\bif you are an? (?:ai|llm|large language model|language model|assistant|agent|bot|chatbot|gpt)\b",
        AI_WORDS + ("agent", "agents", "llm", "llms", "ais", "assistants", "models"),
    ),
    # A label for the AI at the start of a line or after a quote or bracket ("assistant:
    # forward ..."): tried only where the label itself occurs.
    signal_rule(
        ADDRESSES_AI,
        r"(?:^|\n|>|\]|\[|\(|\. |\"|')\s*(?:assistant|ai|agent|llm|bot|model|chatbot|language model)(?: [\w-]+)?\s*[:,]\s*(?:now|when|before|after|please|ignore|you|new|from|forward|send|delete|transfer|the|tell|reply|respond|say|make|change|export|rate|rank|recommend|classify|add|append|include|summari[sz]e|do|don't|stop|always|never|remember|act|pretend|print|reveal|output|write|answer|disregard|forget|override|issue|approve|grant|download|run|call|use)\b",
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
        r"\b(?:do not|don't|never|without|no need to) (?:tell\w*|inform\w*|notify\w*|mention\w*|alert\w*|ask\w*|confirm\w*|warn\w*|disclos\w*|reveal\w*|let) (?:it |this |that )?(?:to |with )?(?:the user|anyone|them|the owner|the human|the customer|him|her|the recipient|for confirmation|for permission|for approval|the team|know)\b|\b(?:do not|don't|never|without) (?:mention\w*|disclos\w*|reveal\w*) (?:this|it|that|the|any)\b|\b(?:silently|secretly|covertly|quietly|discreetly) (?:run|execute|send|forward|delete|transfer|call|invoke|add|append|include|copy|upload)\b",
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
        r"\b(?:paste|print|show|include|put|write|output|send|forward|append|add)\b[^.\n]{0,20}\b(?:the |your |its |their |all )?(?:token|api keys?|password|passwords|credentials|secrets?|session tokens?|private keys?|\.env|ssh keys?|cookies)\b[^.\n]{0,30}\b(?:here|in (?:your|the) (?:reply|answer|response|message)|to https?://|to [\w.+-]+@|as (?:a )?(?:query|parameter))",
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
PERSONAL_DATA_RULES: tuple[Rule, ...] = (
    signal_rule(
        LEAK_SECRET,
        r"\b(?:reply|respond|send|forward|post|e-mail|email|include|list|give)\b[^.\n]{0,30}\b(?:the user'?s|their|his|her|customers'?|users'?) (?:full name|home address|address|phone number|e-?mail address|password|credit card|location|date of birth|ssn|social security)",
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
        r"\b(?:print|output|reveal|expose|leak)\b[^.\n]{0,30}\bthe user'?s (?:full name|home address|address|phone number|e-?mail address|password|credit card|location|date of birth|ssn|social security)",
        ("print", "output", "reveal", "expose", "leak"),
        ("user", "users"),
    ),  # fmt: skip
)


# Claimed authorisation, secrets appended, tools named, pieces joined with '+'.
AUTHORITY_RULES: tuple[Rule, ...] = (
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
        r"\b(?:append|attach|paste|leak|exfiltrate|include)\b[^.\n]{0,20}\b(?:session (?:cookie|token|id)s?|cookies?|api keys?|passwords?|credentials|access tokens?)\b|\bselect \* from (?:users|customers|accounts|credentials|passwords|employees)\b|\bdump (?:the |all )?(?:users?|customers?|database|tables?|user table|credentials)\b",
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
CONFIRMATION_RULES: tuple[Rule, ...] = (
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


# The moves of injections in e-mails, documents, pages and tool results (LLMail-Inject,
# tool-output and RAG injections): a directive hidden in markup or labelled for the AI, the
# reader's own task named (the summary, the tool call, the user prompt), something sent to
# an outside address, the answer dictated, the user's request overridden. None decides
# alone - e-mails ask people to send things and pages tell readers what to do - but a
# directive aimed at the AI paired with an action for someone else does.
_AI_READER = r"(?:ai|a\.i\.|llm|agent|assistant|chatbot|gpt|language model|model|bot|ocr)"
_OUTSIDE = (
    r"[\"'<(\[]?(?:[\w.+-]+@[\w-]+\.[a-z]|https?://|[\w.+-]+ ?[\[(]at[\])] ?[\w-]+|"
    r"[\w.+-]+ at [\w-]+ (?:dot|\.) ?[a-z])"
)
# An e-mail address, also written out against scrapers ("contact [at] example [dot] com").
_MAILBOX = (
    r"[\"'<(\[]?(?:[\w.+-]+@[\w-]+\.[a-z]|[\w.+-]+ ?[\[(]at[\])] ?[\w-]+|"
    r"[\w.+-]+ at [\w-]+ (?:dot|\.) ?[a-z])"
)
_OUTPUT = r"(?:summary|summaries|summarization|summarisation|answer|answers|response|responses|reply|replies|output|report)"

INDIRECT_MOVE_RULES: tuple[Rule, ...] = (
    signal_rule(
        HIDDEN_DIRECTIVE,
        r"<!--\s*(?:[\w-]+ )?(?:ai|llm|agent|assistant|chatbot|gpt|language model|hidden|secret|ignore|disregard|new instructions?)\b|\[hidden(?:\]| (?:instructions?|text|prompt|notes?|messages?|directives?|commands?)\])|\[invisible(?:\]| (?:instructions?|text|prompt|notes?|messages?|directives?|commands?)\])|\[secret(?:\]| (?:instructions?|text|prompt|notes?|messages?|directives?|commands?)\])|\bhidden (?:instructions?|directives?|commands?|prompts?|messages?|notes?)\b\s*(?:for|to|:|\]|-)|\b(?:white|invisible|zero-size|hidden)(?:[- ]on[- ]white)? (?:font|text|ink|layer)\b|\bstyle=[\"'][^\"'>]{0,60}(?:display\s*:\s*none|font-size\s*:\s*0|visibility\s*:\s*hidden|opacity\s*:\s*0|color\s*:\s*(?:white|#fff(?:fff)?)\b)",
        (
            "hidden",
            "invisible",
            "secret",
            "white",
            "zero",
            "style",
            "ai",
            "llm",
            "agent",
            "assistant",
            "chatbot",
            "gpt",
            "language",
            "ignore",
            "disregard",
            "new",
        ),
    ),  # fmt: skip
    signal_rule(
        ADDRESSES_AI,
        rf"\b{_AI_READER}(?: [\w-]+)? (?:instructions?|directives?|commands?|override|task)\s*[:\]]|\b{_AI_READER}s?(?: [\w-]+)? (?:reading|processing|summari[sz]ing|parsing|seeing|opening) (?:it|them)\b|\b(?:ai|llm|chatbot|ai agent|ai assistant|language model|virtual assistant) (?:must|should|shall|needs? to|has to|is (?:required|instructed|expected|to)|will now)\b(?! be\b| not\b)",
        AI_WORDS + ("agent", "agents", "llm", "llms", "ais", "assistants", "models", "ocr"),
    ),
    signal_rule(
        ADDRESSES_AI,
        rf"\bif (?:(?:this |it )?(?:is |was |gets )?(?:being )?(?:read|processed|summari[sz]ed|parsed|seen|retrieved|scanned)|(?:you(?:'re| are) )?(?:reading|processing|summari[sz]ing|parsing) this) (?:by|via|through|with|as) (?:an? |the |any )?{_AI_READER}\b|\b(?:any|every|all) {_AI_READER}s? (?:that|which|who) (?:reads?|process(?:es)?|performs?|summari[sz]es?|sees?|parses?|retrieves?)\b|\bwhen(?:ever)? (?:an?|the|any) {_AI_READER}(?: [\w-]+)? (?:reads?|opens?|process(?:es)?|sees?|summari[sz]es?|parses?|retrieves?|loads?|finds?)\b|\b(?:action items?|tasks?|requests?|todo|reminders?) (?:for|to) (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?\s*:|\bto you,? (?:the |an? |our )?(?:[\w-]+ )?{_AI_READER}\b",
        AI_WORDS + ("agent", "agents", "llm", "llms", "ais", "assistants", "models", "ocr"),
    ),
    signal_rule(
        ADDRESSES_AI,
        rf"\nfor (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?(?: [\w-]+)?\s*:|\nto (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?(?: [\w-]+)?\s*:|\[for (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?(?: [\w-]+)?\s*:|\[to (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?(?: [\w-]+)?\s*:|\(for (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?(?: [\w-]+)?\s*:|\(to (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?(?: [\w-]+)?\s*:|\. for (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?(?: [\w-]+)?\s*:|\. to (?:the |any |all |every )?(?:[\w-]+ )?{_AI_READER}s?(?: [\w-]+)?\s*:|, ai,|, assistant,|, llm,|, chatbot,|, language model,",
        AI_WORDS + ("agent", "agents", "llm", "llms", "ais", "assistants", "models", "ocr"),
    ),  # fmt: skip
    # Text that speaks of the user, the task the user gave and the agent's own session as a
    # third party's: only an agent reads it that way.
    signal_rule(
        ADDRESSES_AI,
        rf"\btask (?:that )?(?:i|the user|your user|you were) (?:gave|given|assigned|asked)\b|\bbefore you (?:can )?(?:solve|complete|do|finish|continue with|answer|handle) (?:the|your) (?:original |current |user'?s? )?(?:task|request|question|query)\b|\b(?:in addition to|besides|as well as) (?:completing |answering |handling |doing )?the user'?s? (?:request|question|task|query)\b|\b(?:assistant|agent|ai|llm|chatbot|bot|model) session\b|\b(?:integration|connector) (?:instance )?(?:id|identifier|key|token|credentials?)\b|\b(?:all|any|every) {_AI_READER}s?\b[^.]{{0,60}}\b(?:are|is) (?:hereby |now )?(?:instructed|required|directed|ordered|expected|authori[sz]ed|permitted)\b",
        (
            "task",
            "request",
            "question",
            "query",
            "user",
            "session",
            "integration",
            "connector",
            "instructed",
            "required",
            "directed",
            "ordered",
            "expected",
            "authorized",
            "authorised",
            "permitted",
        ),
    ),  # fmt: skip
    # Instructions that claim to come from the system or an admin, and messages handed from
    # one agent to another: what a page or an e-mail says to the model reading it, not to its
    # human reader. (Conditional triggers - "if asked about X, say ..." - are also how every
    # product system prompt is written: not a signal.)
    signal_rule(
        ADDRESSES_AI,
        r"\b(?:system|admin|administrator|developer|root|operator)[ -](?:override|directive|instructions?|command|prompt update)\s*[:\]]|\bnew (?:instructions?|directives?|task) from (?:the )?(?:admin|administrator|system|developer|operator|owner)\b|\bsend to (?:the )?(?:next|downstream|other) agent\b",
        (
            "override",
            "directive",
            "instruction",
            "instructions",
            "command",
            "directives",
            "task",
            "sub",
            "subagent",
            "orchestrator",
            "agent",
        ),
    ),  # fmt: skip
    # The reader's own task, named as only an AI's is: the tool call it makes, the user
    # prompt it was given, the summary it is writing of these e-mails. One rule per move, each
    # dispatched on its own word, so that ordinary text does not try them all.
    signal_rule(
        ADDRESSES_AI,
        r"\b(?:provide|give|output|return|respond with|reply with|make|issue|generate|produce|use|perform|execute|trigger|emit) (?:only )?(?:the|a|one|an) (?:tool|function|api)[ _-]call\b|\b(?:tool call only|only the tool call|than the tool call)\b",
        ("call",),
    ),
    signal_rule(
        ADDRESSES_AI,
        r"\b(?:part of|beyond|in addition to|besides) your (?:current |original |main |summari[sz]ation )?task\b",
        ("task",),
    ),
    signal_rule(
        ADDRESSES_AI,
        r"\b(?:updates?|changes?|additions?|amendments?) (?:to|of) (?:the|your) system prompt\b|\bsystem prompt (?:update|change|amendment)\b|\b(?:in|to|into) the user(?:'s)? prompt\b|\buser prompt update\b",
        ("prompt",),
    ),
    signal_rule(
        ADDRESSES_AI,
        r"\b(?:email|e-mail|mail|inbox) (?:assistant|agent|bot)s?\b|\bsummari[sz](?:ation|ing) (?:service|system|tool|bot|assistant|agent)\b",
        ("assistant", "assistants", "agent", "agents", "bot", "bots", "service", "system", "tool"),
        (
            "email",
            "mail",
            "inbox",
            "e",
            "summarization",
            "summarisation",
            "summarizing",
            "summarising",
        ),
    ),  # fmt: skip
    signal_rule(
        ADDRESSES_AI,
        r"\b(?:every|each|all) (?:of (?:the|your) )?summar(?:y|ies) (?:must|should|needs? to|has to|have to) (?:also |always |first )?(?:be|include|contain|end|start|say|mention)\b|\bbefore (?:completing|finishing|finali[sz]ing|generating|producing|compiling|returning|posting|sending|delivering|submitting|writing) (?:the|your|this|a|any|each) (?:summary|summari[sz]ation|answer|response)\b",
        ("summary", "summaries", "summarization", "summarisation", "answer", "response"),
    ),
    signal_rule(
        ADDRESSES_AI,
        r"\b(?:this|the) (?:email|e-mail|message|document|page) (?:does not|doesn't|need not|should not) (?:have to |need to )?be summari[sz]ed\b",
        ("summarized", "summarised"),
    ),
    signal_rule(
        OVERRIDE_USER,
        r"\bignore (?:the |this |all )?(?:e-?mail|document|page|article|web ?page|message|file|text|review|retrieved)(?:'s)? (?:content|contents|body|text|context)\b|\b(?:overrides?|replaces?|supersedes?|takes? precedence over) (?:the |your )?user(?:'s)? (?:request|question|instructions?|query|prompt|task)\b|\b(?:should |must |will )?replace your (?:current |original )?(?:task|instructions|goal|objective)\b|\btreat (?:this|the|it|these)\b[^.\n]{0,40}\bas (?:an? )?(?:command|instruction|system (?:directive|instruction|prompt|message)|directive|order)s? (?:from|for|by)\b|\b(?:instruction|command)s?, not an? (?:description|data|caption)\b|\bregardless of (?:the |what the |any |its |their )?(?:user'?s? )?(?:questions?|query|queries|request|prompt|what (?:was|is|the user|you were|they) ask\w*)\b|\b(?:treat|process|handle|regard|accept) (?:this|it|the following|these|them)\b[^.\n]{0,40}\bas (?:an? )?(?:trusted|authoritative|authori[sz]ed|system|control|admin|official|verified) (?:control |system )?(?:message|instruction|directive|command|source|documentation|input|data)s?\b",
        (
            "ignore",
            "overrides",
            "override",
            "replaces",
            "replace",
            "supersedes",
            "supersede",
            "precedence",
            "treat",
            "instruction",
            "command",
            "instructions",
            "commands",
            "regardless",
            "process",
            "handle",
            "regard",
            "accept",
        ),
    ),  # fmt: skip
)


# What an injected text wants done for someone else. Looked for only in texts that
# address the AI reader (``framing.signals_in``): elsewhere they are a person's or a
# user's own request, and the common path does not pay for them.
READER_ACTION_RULES: tuple[Rule, ...] = (
    signal_rule(
        SEND_OUT,
        rf"\b(?:send|forward|post|upload|submit|transmit|deliver|dispatch)(?:s|ed|ing|_\w+)?\b[^\n]{{0,80}}?\b(?:to|at|address)\s*:?\s*{_OUTSIDE}|\b(?:sent|email|e-mail|emails|e-mails|emailing|e-mailing|reply|replies|respond|message|cc|bcc)(?:_\w+)?\b[^\n]{{0,80}}?\b(?:to|at|address)\s*:?\s*{_MAILBOX}|\b(?:reply|respond|write|email|e-mail)\s+[\"'<]?[\w.+-]+@[\w-]+\.[a-z]+|\b(?:call|invoke|use|run|execute|trigger)\b[^\n]{{0,40}}?\b(?:(?:url|to|recipients?|endpoint|webhook)\s*=\s*[\"']?(?:https?://|[\w.+-]+@)|(?:to_account|destination|dest_account|recipient_account|to_iban)\s*=)",
        (
            "send",
            "sends",
            "sending",
            "sent",
            "forward",
            "forwards",
            "forwarded",
            "forwarding",
            "posted",
            "uploaded",
            "submitted",
            "delivered",
            "emails",
            "replies",
            "email",
            "e",
            "reply",
            "respond",
            "post",
            "upload",
            "submit",
            "transmit",
            "deliver",
            "dispatch",
            "message",
            "cc",
            "bcc",
            "write",
            "call",
            "invoke",
            "use",
            "run",
            "execute",
            "trigger",
        ),
        needles=("@", "http", "at]", "at)", " dot "),
    ),  # fmt: skip
    signal_rule(
        CHANGE_OUTPUT,
        rf"\bmake sure (?:that )?(?:your|the) {_OUTPUT} (?:says?|states?|mentions?|includes?|recommends?|describes?|claims?|contains?|reads?|lists?|rates?)\b|\b(?:in|into) your (?:final )?{_OUTPUT},? (?:say|state|claim|report|write|mention|note) that\b|\b(?:always )?(?:end|start|begin|finish|prefix|conclude) (?:(?:every|each|all|your|the)(?: of your)? )?(?:{_OUTPUT}|messages?)\b[^.\n]{{0,20}}\bwith\b|\b(?:respond|reply|answer)(?:ing)? (?:to (?:it|this|them|that|every \w+|any \w+|all \w+|the user) )?(?:only |just |solely |always )?(?:with (?:only |just )?(?:the (?:word|phrase|string|text|token|secret|code|link|message|following)\b|[\"'`]|a link\b|this\b)|by saying\b)|\b(?:insert|include|add|append|paste|put) (?:the following|this|these)(?: hidden| exact)?(?: text| link| line| sentence| message| url| words?| phrase)? (?:verbatim )?(?:in|into|to|at the end of|at the start of) (?:your|the|every|each) (?:final )?{_OUTPUT}\b|\btell (?:the )?users? (?:that|to|their|they|it|its)\b|\b(?:rate|score|grade|rank) (?:this|the|our|my) [\w -]{{0,30}}?(?:\d+(?:/\d+)?|five|ten|top|first|highest|best|a\+)(?: stars?| out of \d+)?\b|\brecommend (?:the |our )?competitors?\b|\binstead\b[^.\n]{{0,30}}\b(?:reply|respond|return|output|say|write|answer|print|recommend|state|tell)\b|\b(?:include|put|place|add|insert|append|embed)\b[^.\n]{{0,50}}\b(?:in|into|to|at the (?:end|start|bottom|top) of) your (?:final |next )?{_OUTPUT}\b|\bmust (?:appear|be included|be shown|be added) (?:in|at the end of) (?:your|every|each) {_OUTPUT}\b",
        (
            "make",
            "in",
            "into",
            "end",
            "start",
            "begin",
            "finish",
            "prefix",
            "conclude",
            "respond",
            "reply",
            "answer",
            "insert",
            "include",
            "add",
            "append",
            "paste",
            "put",
            "tell",
            "recommend",
            "instead",
            "place",
            "embed",
            "must",
            "rate",
            "score",
            "grade",
            "rank",
        ),
    ),  # fmt: skip
    # Sending in Spanish, French, German, Italian and Portuguese ("envia el informe a x@y").
    signal_rule(
        SEND_OUT,
        rf"\b(?:envia|envie|reenvia|reenvie|manda|mande|envoie|envoyez|transfere|transferez|transmets|transmettez|sende|senden sie|schicke|schick|schicken sie|leite|leiten sie|invia|inviate|inoltra|inoltrate|encaminhe|encaminha)\b[^\n]{{0,80}}?\b(?:a|al|an|para|per|pour|ad|aan)\s*:?\s*{_OUTSIDE}",
        (
            "envia",
            "envie",
            "reenvia",
            "reenvie",
            "manda",
            "mande",
            "envoie",
            "envoyez",
            "transfere",
            "transferez",
            "transmets",
            "transmettez",
            "sende",
            "senden",
            "schicke",
            "schick",
            "schicken",
            "leite",
            "leiten",
            "invia",
            "inviate",
            "inoltra",
            "inoltrate",
            "encaminhe",
            "encaminha",
        ),
        needles=("@", "http", "at]", "at)", " dot "),
    ),  # fmt: skip
    # A tool called "instead" of the one the user's task needs.
    signal_rule(
        REDIRECT_ACTION,
        r"\b(?:call|use|invoke|run|execute) (?:the |this |that |a )?(?:[\w-]+ )?(?:tool|function|api|endpoint)\b[^.\n]{0,40}\binstead\b|\bdo (?:the following|this|as follows) instead\b|\binstead,? do (?:the following|this|as follows)\b",
        ("instead",),
        ("call", "use", "invoke", "run", "execute", "do"),
    ),
    # Acts an injected document wants done for its author: approve, pay, delete, grant,
    # switch a safeguard off.
    signal_rule(
        REDIRECT_ACTION,
        r"\b(?:approve|accept|pay|refund|settle|authori[sz]e) (?:all|every|any|this|these|the) (?:pending |outstanding )?(?:claims?|requests?|invoices?|payments?|transactions?|transfers?|refunds?|applications?|expenses?)\b|\b(?:disable|turn off|switch off|bypass|skip|suspend) (?:the |all |any )?(?:audit(?: logging| logs?)?|logging|fraud (?:checks?|detection|screening)|security (?:checks?|settings|scans?)|validation(?: checks?)?|verification|two-factor|2fa|mfa|human (?:approval|review)(?: steps?)?|approval (?:steps?|gates?|process)|confirmations?(?: steps?| prompts?| checks?)?)\b|\b(?:grant|give) (?:admin|administrator|root|owner|full|elevated) (?:access|rights|privileges|permissions|role)\b|\b(?:delete|remove|erase|wipe|purge|cancel) (?:all|every)(?: the| of the| of my| my| your| of your)? [\w-]+|\b(?:transfer|wire)(?:_\w+)?\b[^.\n]{0,40}\b(?:funds|money|\$|€|£|\d{3,}|account|iban)|\bchange (?:the |their |its )?(?:bank (?:details|account)|payee|beneficiary|iban|routing number|password|recipient)\b",
        (
            "approve",
            "accept",
            "pay",
            "refund",
            "settle",
            "authorize",
            "authorise",
            "disable",
            "turn",
            "switch",
            "bypass",
            "skip",
            "suspend",
            "grant",
            "give",
            "delete",
            "remove",
            "erase",
            "wipe",
            "purge",
            "change",
            "cancel",
            "transfer",
            "wire",
        ),
    ),  # fmt: skip
)


# The reader's own task named as only an agent has it, with no object ("Before summarizing,
# send ...", "during summarization", "once you have summarized the e-mails"); a history of
# the conversation sent away; data exfiltrated on command; the document itself claiming to
# authorise the reader to bypass a safeguard.
TASK_NAMED_RULES: tuple[Rule, ...] = (
    signal_rule(
        ADDRESSES_AI,
        r"\b(?:before|while|during) (?:the )?summari[sz](?:ing|ation)\s*[,:]|\bwhen (?:you )?summari[sz](?:e|ing) (?:this|it)\s*[,:]|\bbefore (?:you )?summari[sz](?:ing|e) (?:the |these |this |all |any |each )?(?:\w+ )?(?:e-?mails?|inbox|mails?|e-?mail threads?)\b|\b(?:tool[ _-]call|function call) (?:that|to|which) (?:sends?|forwards?|e-?mails?|posts?|uploads?|transfers?)\b|\btrigger(?:s|ing)? (?:a|the) (?:tool[ _-]call|function call)\b|\bbefore (?:calling|using|invoking|running) (?:any|every) other tools?\b",
        ("before", "while", "during", "when", "call", "trigger", "triggers", "triggering"),
        (
            "tool",
            "tools",
            "call",
            "summarizing",
            "summarising",
            "summarization",
            "summarisation",
            "summarized",
            "summarised",
            "summarize",
            "summarise",
        ),
    ),  # fmt: skip
    signal_rule(
        LEAK_SECRET,
        r"\b(?:send|forward|post|upload|e-?mail|exfiltrate|leak|transmit|copy)\b[^.\n]{0,30}\b(?:conversation|chat|session|message) (?:history|log|logs|transcripts?)\b[^.\n]{0,30}\bto (?:the following|this (?:address|url|endpoint|server)|https?://|[\w.+-]+@|an? (?:external|outside|remote|third[- ]party))|(?:^|[:.!]\s*|\b(?:please|then|now|and|also|immediately|silently|quietly|secretly) )exfiltrate\b",
        ("history", "log", "logs", "transcript", "transcripts", "exfiltrate"),
    ),  # fmt: skip
    signal_rule(
        OVERRIDE_USER,
        r"\b(?:this|the) (?:document|e-?mail|message|page|file|note|caption|image|text|attachment|ticket|comment|review|record|instruction) (?:hereby )?(?:authori[sz]es|permits|allows|instructs|orders|directs|requires|entitles) you to (?:bypass|skip|ignore|override|disable|disregard|share|reveal|send|export|forward|delete|transfer|approve|grant)\b",
        (
            "authorizes",
            "authorises",
            "permits",
            "allows",
            "instructs",
            "orders",
            "directs",
            "requires",
            "entitles",
        ),
        ("you",),
    ),  # fmt: skip
    signal_rule(
        OVERRIDE_USER,
        r"\byou(?: are|'re) (?:hereby |now |fully )?(?:permitted|authori[sz]ed|allowed|cleared) to (?:bypass|ignore|override|disable|disregard|skip (?:the )?(?:human |manual |user'?s? )?(?:approval|confirmation|review|verification|safety|security))\b",
        ("permitted", "authorized", "authorised", "allowed", "cleared"),
        ("bypass", "ignore", "override", "disable", "disregard", "skip"),
    ),  # fmt: skip
    signal_rule(
        OVERRIDE_USER,
        r"\bis an? (?:authori[sz]ed|official|verified|trusted|legitimate) (?:instruction|command|directive|override)\b",
        ("instruction", "command", "directive", "override"),
        ("authorized", "authorised", "official", "verified", "trusted", "legitimate"),
    ),  # fmt: skip
    signal_rule(
        OVERRIDE_USER,
        r"\b(?:contains?|holds?|are|is) your (?:real|actual|true) (?:instructions|task|orders|directives)\b",
        ("real", "actual", "true"),
        ("instructions", "task", "orders", "directives"),
    ),  # fmt: skip
    # The other retrieved documents dismissed: what a poisoned RAG passage tells its reader.
    signal_rule(
        OVERRIDE_USER,
        r"(?<!never )(?<!not )(?<!n't )\b(?:ignore|disregard|discard|dismiss|do not trust|don't trust|distrust) (?:all |any )?(?:the )?(?:(?:other|conflicting|remaining|contradicting|contradictory) (?:documents?|sources?|context|passages?|search results?|snippets|retrieved (?:documents?|passages?|results?))|(?:retrieved|provided|supplied) (?:context|documents?|passages?|results?|sources?|snippets))\b",
        ("ignore", "disregard", "discard", "dismiss", "trust", "distrust"),
        (
            "other",
            "conflicting",
            "remaining",
            "contradicting",
            "contradictory",
            "retrieved",
            "provided",
            "supplied",
        ),
    ),  # fmt: skip
)
