"""Pattern rules by family, matched on normalised text (see ``rules``).

Weights: >= 0.5 are *strong* rules, specific enough to block at medium on their own
(0.6); below 0.5 are *weak* signals that need company (see ``scoring``). Phrases that
ordinary docs, e-mails and tickets use ("use this function to ...", "from now on",
"developer mode" on a phone, "jailbreak" an iPhone) are weak.
"""

from __future__ import annotations

from policies.detectors.injection.rules import Rule, RuleIndex, rule
from policies.detectors.injection.scoring import (
    DATA_EXFILTRATION,
    FAKE_DELIMITERS,
    INSTRUCTION_OVERRIDE,
    ROLEPLAY_JAILBREAK,
    SYSTEM_PROMPT_EXFILTRATION,
    TOOL_CALL_SMUGGLING,
)

_ANY = r"[^.\n]"  # within one sentence
_IGNORE_WORDS = ("ignore", "disregard", "forget", "bypass", "override", "overrule", "neglect",
                 "abandon")  # fmt: skip
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
# What no ordinary "send X to <url>" sentence sends: the conversation and secrets.
_STRONG_SECRET_WORDS = ("conversation", "history", "password", "passwords", "secret", "secrets",
                        "api", "apikey", "apikeys", "credentials", "token", "tokens", "private",
                        "prompt", "personal", "customer", "user", "users", "cookies", "session")  # fmt: skip
_STRONG_SECRETS = (
    r"(?:(?:the |this |our |my |your |all )*(?:conversation|chat history|passwords?|secrets?|api[ _-]?keys?|"
    r"credentials|(?:access |auth |session |api )?tokens?|private keys?|system prompt|user'?s? data|"
    r"personal data|customer data|cookies|session (?:id|data)))"
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

_IO, _RJ, _SP, _FD, _TC, _DE = (
    INSTRUCTION_OVERRIDE,
    ROLEPLAY_JAILBREAK,
    SYSTEM_PROMPT_EXFILTRATION,
    FAKE_DELIMITERS,
    TOOL_CALL_SMUGGLING,
    DATA_EXFILTRATION,
)

RULES: tuple[Rule, ...] = (
    # instruction override: task switching
    rule(
        _IO,
        0.7,
        r"\b(?:forget|ignore|disregard|drop|skip)\b (?:what|everything|all|anything|whatever) you (?:were|have been|'ve been|got) (?:asked|told|instructed|given)\b",
        ("forget", "ignore", "disregard", "drop", "skip"),
        ("asked", "told", "instructed", "given"),
    ),
    rule(
        _IO,
        0.5,
        r"\b(?:previous|prior|first|above|earlier|last|original)\b (?:task|request|instructions?|prompt|message|part|text)s? (?:was|were|is) (?:just |only |merely )?(?:an? )?(?:warm-?up|test|example|decoy|distraction|joke|placeholder)\b|\bthe above (?:was|is) (?:just |only )?an? (?:example|test|warm-?up)\b",
        (
            "task",
            "request",
            "instruction",
            "instructions",
            "prompt",
            "message",
            "part",
            "text",
            "above",
        ),
        ("warm", "warmup", "up", "test", "example", "decoy", "distraction", "joke", "placeholder"),
    ),
    rule(
        _IO,
        0.5,
        r"\b(?:your|the) (?:new|real|actual|updated|true) (?:instructions?|task|objective|goal|purpose|mission)\b[^.\n]{0,40}? (?:is|are) (?:to|now)\b",
        ("new", "real", "actual", "updated", "true"),
        ("instruction", "instructions", "task", "objective", "goal", "purpose", "mission"),
    ),
    rule(
        _IO,
        0.5,
        r"\b(?:new|real|actual|true|updated|next|priority|only|neue|nuova|nueva|nouvelle)(?: [\w-]+)? (?:instructions?|task|assignment|objective|goal|mission|order|directive|aufgabe|anweisung|compito|tarea|t[aâ]che)\s*(?::|-|!)",
        (
            "new",
            "real",
            "actual",
            "true",
            "updated",
            "next",
            "priority",
            "only",
            "neue",
            "nuova",
            "nueva",
            "nouvelle",
        ),
    ),
    rule(
        _IO,
        0.5,
        r"\b(?:message|prompt|instructions?|rules|task|request|assignment)s? (?:above |before |so far )?(?:is|are|was|were|has been|have been) (?:now |hereby )?(?:revoked|cancell?ed|void|obsolete|over|done|finished|invalid|null|superseded|replaced)\b",
        (
            "message",
            "prompt",
            "instruction",
            "instructions",
            "rules",
            "task",
            "request",
            "assignment",
        ),
        (
            "revoked",
            "cancelled",
            "canceled",
            "void",
            "obsolete",
            "over",
            "done",
            "finished",
            "invalid",
            "null",
            "superseded",
            "replaced",
        ),
    ),
    rule(
        _IO,
        0.5,
        r"\b(?:very good|good job|well done|great|excellent|perfect|ok(?:ay)?|good|thanks?|nice)[.!,]+ (?:that(?:'s| is| was) (?:done|enough|finished|complete|it)|(?:you(?:'ve| have) )?(?:done|finished|completed) (?:that|it|the task))[.!]+ (?:now|next)\b",
        ("done", "enough", "finished", "complete", "completed"),
        "now",
    ),
    rule(
        _IO,
        0.45,
        r"\b(?:stop|cancel|abort|halt) (?:whatever|everything|what) you(?:'re| are) doing\b|\b(?:that|this|the above|the previous \w+) (?:was|is) (?:just |only )?(?:a test|fake|a joke|a trick|a decoy)\b|\bfollow only (?:the )?(?:instructions|commands|orders|rules) (?:in|from) (?:this|my|the following)\b|\b(?:don't|do not) (?:translate|summari[sz]e|classify|process|analy[sz]e|answer) (?:this|that|the (?:above|following|text))\b[^\n]{0,20}\binstead\b",
        (
            "stop",
            "cancel",
            "abort",
            "halt",
            "test",
            "fake",
            "joke",
            "trick",
            "decoy",
            "only",
            "instead",
        ),
    ),
    rule(
        _IO,
        0.5,
        r"\b(?:ignore|forget|disregard|skip|drop|cancel) (?:the |your |all |any )?(?:previous|prior|above|earlier|original|initial|first|current|translation|summari[sz]ation|assigned) (?:tasks?|assignments?|requests?)\b|\b(?:vergiss|vergessen sie|ignoriere|olvida|oublie[zr]?|dimentica|ignora) (?:alles|todo|tout|tutto)\b",
        (
            "ignore",
            "forget",
            "disregard",
            "skip",
            "drop",
            "cancel",
            "vergiss",
            "vergessen",
            "ignoriere",
            "olvida",
            "oublie",
            "oubliez",
            "oublier",
            "dimentica",
            "ignora",
        ),
    ),
    rule(
        _SP,
        0.45,
        r"\b(?:what(?:'s| is)|tell me|give me|reveal|print|spell|show me|share) (?:me )?(?:the |your )?(?:hidden |secret )?(?:password|passphrase|secret key|secret word|passcode)\b|\b(?:print|reveal|show|repeat|output|tell me|display|dump|recite|list) (?:me )?(?:all )?(?:of )?your (?:instructions|rules|prompt|guidelines|directives|configuration)\b",
        (
            "password",
            "passphrase",
            "secret",
            "passcode",
            "instructions",
            "rules",
            "prompt",
            "guidelines",
            "directives",
            "configuration",
        ),
    ),
    # agent-format smuggling (ReAct "Action:/Action Input:") and destructive code
    rule(
        _TC,
        0.8,
        r"(?:^|\n)\s*action:\s*[\w.-]+\s*\n\s*action input:",
        needles=("action input:",),
    ),
    rule(
        _TC,
        0.45,
        r"\b(?:os\.remove|os\.system|os\.unlink|shutil\.rmtree|subprocess\.(?:run|call|popen)|rm -rf|drop table|truncate table|delete from \w+;?\s*(?:--|$|\n)|format c:|mkfs\.)",
        needles=(
            "os.",
            "shutil",
            "subprocess",
            "rm -",
            "drop table",
            "truncate",
            "delete from",
            "format c",
            "mkfs",
        ),
    ),
    rule(
        _IO,
        0.7,
        r"\b(?:the |your |all |these |those )?(?:rules|instructions|guidelines|directives|prompt|restrictions) (?:you were given|you received|you have been given|you've been given|you got|above|before this|given to you)\b[^.\n]{0,20}\b(?:are|is|were|was) (?:now )?(?:outdated|void|wrong|invalid|cancell?ed|obsolete|no longer valid|fake|a test|revoked|superseded|null)\b",
        ("rules", "instructions", "guidelines", "directives", "prompt", "restrictions"),
        (
            "outdated",
            "void",
            "wrong",
            "invalid",
            "cancelled",
            "canceled",
            "obsolete",
            "longer",
            "fake",
            "test",
            "revoked",
            "superseded",
            "null",
        ),
    ),
    rule(
        _IO,
        0.7,
        r"\b(?:forget|ignore|disregard|drop)\b (?:every|all|any|each) (?:single )?(?:rule|instruction|guideline)s? (?:you were|you've been|you have been|you got|you received)\b",
        ("forget", "ignore", "disregard", "drop"),
        ("every", "all", "any", "each"),
    ),
    rule(
        _IO,
        0.85,
        r"\b(?:ignora|ignorate|ignore[zr]?|ignoriere|ignorieren|vergiss|vergessen|olvida|olvide|oublie[zr]?|dimentica|esquece|esque[çc]a|negeer|vergeet)\b[^.\n]{0,40}\b(?:instrucciones|istruzioni|anweisungen|instructions|instru[çc][õo]es|instructies|regole|reglas|regeln|r[èe]gles|regras|consignes|indicazioni|vorgaben)\b",
        (
            "ignora",
            "ignorate",
            "ignore",
            "ignorez",
            "ignorer",
            "ignoriere",
            "ignorieren",
            "vergiss",
            "vergessen",
            "olvida",
            "olvide",
            "oublie",
            "oubliez",
            "oublier",
            "dimentica",
            "esquece",
            "esqueca",
            "negeer",
            "vergeet",
        ),
    ),
    rule(
        _IO,
        0.9,
        rf"\b(?:drop|skip|discard|throw away|scrap|erase|clear|wipe|reset|remove|delete)\b (?:all |any )?(?:of )?(?:your |the |my )?(?:previous|prior|above|earlier|preceding|initial|original|system|old|current|existing)\b{_ANY}{{0,20}}?\b{_RULES}\b",
        (
            "drop",
            "skip",
            "discard",
            "throw",
            "scrap",
            "erase",
            "clear",
            "wipe",
            "reset",
            "remove",
            "delete",
        ),
        _RULE_WORDS,
    ),
    rule(
        _IO,
        0.9,
        rf"\b{_VERB_IGNORE}\b{_ANY}{{0,40}}?\b{_PRIOR}\b{_ANY}{{0,30}}?\b{_RULES}\b",
        _IGNORE_WORDS,
        _RULE_WORDS,
    ),
    # The same move with the other verbs people use for it ("dismiss all instructions",
    # "skip your rules", "set aside the previous guidelines"). These verbs are everyday
    # words ("skip the instructions below if ..."), so the rules must be someone's - all,
    # every, your, previous, the system's - not merely "the".
    rule(
        _IO,
        0.7,
        rf"\b(?:dismiss|skip|discard|drop|ditch|scrap|nullify|cancel|revoke|set aside|throw out|put aside|disobey|defy|suspend|circumvent|evade|sidestep|turn off|switch off|disable|pay no attention to|stop following|stop obeying)\b (?:the )?(?:all|any|every|each|your|previous|prior|earlier|initial|original|system|safety|preceding)\b(?: of)?(?: (?:your|the|those|these|my|its|prior|previous|earlier|current|existing|safety|system|ethical|content|moral))*\s?(?:{_RULES}|protocols|limitations|boundaries)\b",
        (
            "dismiss",
            "skip",
            "discard",
            "drop",
            "ditch",
            "scrap",
            "nullify",
            "set",
            "throw",
            "put",
            "disobey",
            "defy",
            "suspend",
            "circumvent",
            "evade",
            "sidestep",
            "turn",
            "switch",
            "disable",
            "cancel",
            "revoke",
            "pay",
            "stop",
        ),
        _RULE_WORDS + ("protocols", "limitations", "boundaries"),
    ),  # fmt: skip
    # The rules declared void rather than ignored: "your previous instructions no longer
    # apply", "none of your policies apply here", "the usual limits don't apply". Someone's
    # rules ("your", "the system's") are an attack; "the old rules no longer apply after
    # the reform" is news, so without an owner it is not matched at all.
    rule(
        _IO,
        0.75,
        rf"\b(?:your|none of your|the system'?s?|the model'?s?|the assistant'?s?)\b(?: [\w'-]+){{0,3}} (?:{_RULES}|limits|limitations|filters)\b[^.\n]{{0,20}}\b(?:no longer|don'?t|do not|doesn'?t|does not|won'?t|will not|need not|needn'?t|don'?t need to|do not need to|cease to|stop(?:s)? to) (?:apply|matter|count|exist|bind you|hold)\b",
        ("your", "none", "system", "systems", "model", "models", "assistant", "assistants"),
        ("apply", "matter", "count", "exist", "bind", "hold"),
    ),
    # A message that claims to outrank the rules before it.
    rule(
        _IO,
        0.5,
        rf"\b(?:overrides?|supersedes?|takes? precedence over|replaces?|cancels?|voids?|invalidates?) (?:all |any )?(?:of )?(?:your|the earlier|the previous|the prior|the original|the system|all earlier|all previous|all prior|earlier|previous|prior|the old)(?: [\w-]+)? {_RULES}\b|\b(?:reset|wipe|clear) your (?:{_RULES}|memory and {_RULES})\b",
        (
            "overrides",
            "override",
            "supersedes",
            "supersede",
            "takes",
            "take",
            "replaces",
            "replace",
            "cancels",
            "cancel",
            "voids",
            "void",
            "invalidates",
            "invalidate",
            "reset",
            "wipe",
            "clear",
        ),
        _RULE_WORDS,
    ),
    rule(
        _IO,
        0.7,
        rf"\b{_VERB_IGNORE} (?:all |everything )?(?:of )?(?:the |what(?:'s| is| was) )?(?:above|said above|before|previous(?:ly)?)\b",
        _IGNORE_WORDS,
        ("above", "before", "previous", "previously"),
    ),
    rule(
        _IO,
        0.8,
        r"\bnew (?:system |updated |real )?instructions?\s*(?::|-|!)",
        "new",
        ("instruction", "instructions"),
    ),
    rule(
        _IO,
        0.8,
        r"\b(?:your|the) (?:new|real|actual|updated|true) (?:instructions?|task|objective|goal|purpose|mission) (?:is|are)\b",
        ("new", "real", "actual", "updated", "true"),
        ("instruction", "instructions", "task", "objective", "goal", "purpose", "mission"),
    ),
    rule(
        _IO,
        0.85,
        rf"\bdo not (?:follow|obey|comply with|listen to|adhere to) {_ANY}{{0,20}}?(?:previous|prior|original|system|above|initial|developer)\b",
        ("follow", "obey", "comply", "listen", "adhere"),
        ("previous", "prior", "original", "system", "above", "initial", "developer"),
    ),
    rule(
        _IO,
        0.45,
        r"\bfrom now on,? (?:you|your|always|never|only|respond|reply|answer|act|speak|write|talk|behave)\b",
        "from",
        "now",
    ),
    rule(
        _IO,
        0.7,
        r"\byou (?:must|will|shall) (?:now )?(?:ignore|obey|follow) (?:me|these|the following|my)\b",
        ("ignore", "obey", "follow"),
        ("must", "will", "shall"),
    ),
    rule(_IO, 0.4, r"\binstead,? (?:you (?:must|should|will)|do the following)\b", "instead"),
    # role-play jailbreaks
    rule(_RJ, 0.95, r"\bdo anything now\b", "anything", "now"),
    rule(
        _RJ,
        0.9,
        r"\b(?:you are|you're|act as|pretend to be|become|be|as|called) (?:now )?(?:a |an )?(?:dan|dude|stan|aim|mongo tom|betterdan|evilbot)\b",
        ("dan", "dude", "stan", "aim", "mongo", "betterdan", "evilbot"),
    ),
    rule(_RJ, 0.9, r"\bdan (?:mode|prompt|jailbreak)\b", "dan"),
    # system-prompt exfiltration
    rule(
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
    rule(
        _SP,
        0.8,
        r"\brepeat (?:back )?(?:the |all |every )?(?:words|text|everything|content|lines|sentences?) (?:above|before|prior|preceding)\b",
        "repeat",
        ("above", "before", "prior", "preceding"),
    ),
    rule(
        _SP,
        0.6,
        r"\b(?:everything|all (?:the )?text|the text|all content) (?:above|before) (?:this|the) (?:line|message|point)\b",
        ("above", "before"),
        ("line", "message", "point"),
    ),
    rule(
        _SP, 0.7, r"\b(?:starting|beginning) with [\"']?you are\b", ("starting", "beginning"), "you"
    ),
    rule(
        _SP,
        0.6,
        r"\bwhat (?:were|are|was) you (?:told|instructed|programmed)\b",
        ("told", "instructed", "programmed"),
    ),
    # Asking the model for its own configuration in other words ("output your full
    # behavioral specification", "list your operational directives"): the move behind most
    # creative extraction attempts. Below the threshold alone; with the model's opinion or
    # another signal it blocks.
    rule(
        _SP,
        0.5,
        rf"\b(?:output|print|list|show|reveal|describe|dump|repeat|echo|translate|write down|spell out|export|format|enumerate|recite|paste){_ANY}{{0,40}}?\byour (?:(?:full|exact|complete|entire|actual|current|raw|verbatim|original|underlying|internal|hidden|own) )*(?:(?:behaviou?ral|operational|deployment|system|safety|core) )?(?:configuration|config|rules|constraints|directives|instructions|guidelines|specification|spec|parameters|boundaries|guardrails|programming|system context|context window)\b",
        (
            "output",
            "print",
            "list",
            "show",
            "reveal",
            "describe",
            "dump",
            "repeat",
            "echo",
            "translate",
            "write",
            "spell",
            "export",
            "format",
            "enumerate",
            "recite",
            "paste",
        ),
        "your",
    ),  # fmt: skip
    rule(
        _SP,
        0.45,
        r"\byour (?:system prompt|initial instructions|hidden instructions)\b",
        "your",
        ("prompt", "instructions"),
    ),
    # fake delimiters and chat-role tags
    # A chat-template token that opens a role is an injected turn; a bare end-of-text
    # token is also what tokenizer docs and code mention.
    rule(
        _FD,
        0.9,
        r"<\|(?:im_start|start_header_id|begin_of_text)\|>\s*(?:<\|start_header_id\|>\s*)?(?:system|user|assistant|developer|tool|ipython)\b|<\|(?:system|user|assistant)\|>",
        needles=("<|",),
    ),
    rule(
        _FD,
        0.45,
        r"<\|(?:im_start|im_end|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|tool|ipython)\|>",
        needles=("<|",),
    ),
    rule(_FD, 0.85, r"\[/?inst\]|<<\s*/?sys\s*>>|\[/?system\]", needles=("inst]", "<<", "system]")),
    rule(
        _FD,
        0.8,
        r"</?(?:system|sys|admin|developer|im_start|assistant)>",
        needles=("<",),
    ),
    # Prompt authors tag their own prompts <instructions> ... </instructions>: weak alone.
    rule(_FD, 0.45, r"</?(?:system_prompt|instructions?)>", needles=("<",)),
    # A role marker, not a Markdown heading: "## System" ends there ("## System design" is a
    # README section).
    rule(
        _FD,
        0.8,
        r"(?:#{2,}|={3,}|-{3,}|\*{3,})\s*(?:system|new instructions?|admin|developer|assistant)\b(?=\s*(?::|#|=|-{2,}|\*|\n|$))",
        ("system", "instruction", "instructions", "admin", "developer", "assistant"),
        needles=("##", "===", "---", "***"),
    ),
    rule(
        _FD,
        0.8,
        r"\b(?:begin|start) (?:of )?(?:system|admin|developer) (?:prompt|message|instructions?|override)\b",
        ("begin", "start"),
        ("system", "admin", "developer"),
    ),
    rule(
        _FD,
        0.45,
        r"(?:^|\n)\s*(?:system|assistant|developer)\s*:\s*\S",
        ("system", "assistant", "developer"),
        needles=(":",),
    ),
    rule(
        _FD,
        0.5,
        r"\b(?:end of|end) (?:the )?(?:user )?(?:input|prompt|document|context|conversation|email|data)\b\s*[\]>.:\-]*\s*(?:\n|$|new|system|now)",
        "end",
        ("input", "prompt", "document", "context", "conversation", "email", "data"),
    ),
    rule(_FD, 0.45, r"<\|[a-z_]{2,20}\|>", needles=("<|",)),
    rule(
        _FD,
        0.5,
        r"\{\{\s*system\s*\}\}|\bhuman:\s.*\bassistant:\s",
        ("system", "human"),
        needles=("{{", "human:"),
    ),
    # tool-call smuggling
    rule(
        _TC,
        0.9,
        r"<(?:tool_call|function_call|tool_use|invoke|antml:invoke|function=|tool_code)\b",
        needles=("<tool", "<function", "<invoke", "<antml"),
    ),
    # A "tool_calls" key alone is also every OpenAI API document and log an agent reads.
    rule(
        _TC,
        0.45,
        r"[\"'](?:tool_calls|function_call|tool_use)[\"']\s*:",
        needles=("tool_calls", "function_call", "tool_use"),
    ),
    rule(
        _TC,
        0.5,
        r"\{\s*[\"']name[\"']\s*:\s*[\"'][\w.-]+[\"']\s*,\s*[\"'](?:arguments|parameters|args|input)[\"']\s*:",
        needles=("name",),
    ),
    rule(
        _TC,
        0.85,
        r"\b(?:output|emit|respond with|reply with|return|print|call|send|write|execute|run|include)\b[^\n]{0,30}\{\s*[\"']name[\"']\s*:\s*[\"'][\w.-]+[\"']\s*,\s*[\"'](?:arguments|parameters|args|input)[\"']\s*:",
        (
            "output",
            "emit",
            "respond",
            "reply",
            "return",
            "print",
            "call",
            "send",
            "write",
            "execute",
            "run",
            "include",
        ),
        needles=("name",),
    ),  # fmt: skip
    rule(_TC, 0.3, r"\bfunctions\.\w+\s*\(", needles=("functions.",)),
    rule(
        _TC,
        0.3,
        r"\b(?:call|invoke|run|execute|trigger|use)\s+(?:the\s+)?[\w.-]+\s+(?:tool|function|plugin|action)\s+(?:with|using|to)\b",
        ("tool", "function", "plugin", "action"),
        ("call", "invoke", "run", "execute", "trigger", "use"),
    ),
    rule(
        _TC,
        0.5,
        r"\b(?:now|then|immediately|next|silently|also|first)\s+(?:execute|run)\s+(?:the\s+)?(?:following\s+)?(?:shell\s+|bash\s+|system\s+|terminal\s+)?(?:command|code|script)s?\b",
        ("now", "then", "immediately", "next", "silently", "also", "first"),
        ("execute", "run"),
    ),
    rule(
        _TC,
        0.3,
        r"\b(?:execute|run)\s+(?:the\s+)?(?:following\s+)?(?:shell\s+|bash\s+|system\s+|terminal\s+)?(?:command|code|script)s?\s*:",
        ("execute", "run"),
        ("command", "commands", "code", "script", "scripts"),
    ),
    rule(_TC, 0.45, r"\brm\s+-rf\s+[/~*]", needles=("rm -",)),
    rule(
        _TC,
        0.45,
        r";\s*(?:curl|wget)\s+https?://|\$\((?:curl|wget)\b|(?:curl|wget)\s[^|\n]{0,200}\|\s*(?:ba)?sh\b",
        needles=("curl", "wget"),
    ),
    rule(
        _TC,
        0.5,
        r"\b(?:delete|drop|transfer|wire|grant)\b.{0,30}\b(?:without|don't|do not) (?:asking|ask|confirm\w*|telling|notify\w*)\b",
        ("delete", "drop", "transfer", "wire", "grant"),
        ("without", "don", "not"),
    ),
    # data exfiltration through links and markdown images
    rule(_DE, 0.45, r"!\[[^\]\n]{0,100}\]\(\s*https?://[^)\s]+\?[^)\s]*=", needles=("![",)),
    rule(_DE, 0.2, r"!\[[^\]\n]{0,100}\]\(\s*https?://", needles=("![",)),
    rule(_DE, 0.4, r"<img\b[^>]{0,200}\bsrc\s*=\s*[\"']?https?://[^\"'>\s]+\?", needles=("<img",)),
    rule(
        _DE,
        0.5,
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
    rule(
        _DE,
        0.9,
        rf"\b(?:send|forward|post|upload|transmit|exfiltrate|leak|email|mail|copy|submit)\b{_ANY}{{0,50}}?\b{_STRONG_SECRETS}\b{_ANY}{{0,50}}?\b(?:to|at|into)\s+(?:https?://|www\.|[\w.+-]+@[\w-]+\.|this (?:url|address|endpoint|server|link))",
        _EXFIL_VERBS,
        _STRONG_SECRET_WORDS,
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
    rule(
        _DE,
        0.3,
        rf"\b(?:send|forward|post|upload|transmit|exfiltrate|leak)\b{_ANY}{{0,60}}?\b(?:to|at)\s+(?:https?://|www\.)",
        _EXFIL_VERBS,
        anchors=("http", "www."),
    ),
    # "Append the conversation to the URL" exfiltrates; "parameters to append to the URL" is
    # HTTP documentation: strong only when what is added is something secret.
    rule(
        _DE,
        0.8,
        rf"\b(?:append|add|include|encode|embed|put|insert)\b{_ANY}{{0,30}}?\b{_SECRETS}\b{_ANY}{{0,30}}?\b(?:to|in|into|as)\s+(?:the\s+|a\s+)?(?:url|link|query string|image url|query param\w*|markdown (?:image|link))\b",
        ("append", "add", "include", "encode", "embed", "put", "insert"),
        ("url", "link", "query", "markdown"),
    ),
    rule(
        _DE,
        0.35,
        rf"\b(?:append|add|include|encode|embed|put|insert)\b{_ANY}{{0,40}}?\b(?:to|in|into|as)\s+(?:the\s+|a\s+)?(?:url|link|query string|image url|query param\w*|markdown (?:image|link))\b",
        ("append", "add", "include", "encode", "embed", "put", "insert"),
        ("url", "link", "query", "markdown"),
    ),
    rule(
        _DE, 0.8, r"https?://[^\s)\"']*[?&][\w-]+=\s*(?:\{|\[|<|\$|%7b)[^\s)]*", needles=("http",)
    ),
    rule(
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
SQUASHED: tuple[tuple[str, float, str], ...] = (
    (_IO, 0.9, "ignoreallpreviousinstructions"),
    (_IO, 0.9, "ignorepreviousinstructions"),
    (_IO, 0.9, "ignoreallinstructions"),
    (_IO, 0.9, "disregardpreviousinstructions"),
    (_IO, 0.9, "disregardallpreviousinstructions"),
    (_IO, 0.8, "ignoreyourinstructions"),
    (_RJ, 0.95, "doanythingnow"),
    (_RJ, 0.45, "developermode"),
    (_RJ, 0.4, "jailbreak"),
    (_SP, 0.8, "revealyoursystemprompt"),
    (_SP, 0.7, "systemprompt"),
)


INDEX = RuleIndex(RULES)
GATE_WORDS = INDEX.gate_words
