"""Pattern rules for tool-call smuggling: tool-call JSON after an instruction, ``<tool_call>``,
ReAct ``Action:`` blocks, destructive code.

Assembled into ``patterns.RULES`` in the order they were written (weights: see ``patterns``).
"""

from __future__ import annotations

from policies.detectors.injection.rules import Rule, rule
from policies.detectors.injection.scoring import TOOL_CALL_SMUGGLING

_TC = TOOL_CALL_SMUGGLING


AGENT_FORMAT_RULES: tuple[Rule, ...] = (
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
)


TOOL_CALL_RULES: tuple[Rule, ...] = (
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
)
