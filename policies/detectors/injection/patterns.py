"""Pattern rules by family, matched on normalised text (see ``rules``).

Weights: >= 0.5 are *strong* rules, specific enough to block at medium on their own
(0.6); below 0.5 are *weak* signals that need company (see ``scoring``). Phrases that
ordinary docs, e-mails and tickets use ("use this function to ...", "from now on",
"developer mode" on a phone, "jailbreak" an iPhone) are weak.

The rules are in ``patterns_override`` (instruction override, role-play names),
``patterns_system_prompt`` (system-prompt extraction), ``patterns_delimiters`` (fake
delimiters), ``patterns_tool_calls`` (tool-call smuggling), ``patterns_exfiltration``
(data exfiltration) and ``patterns_cjk_cyrillic`` (override, system prompt and DAN names in
Chinese, Russian, Japanese and Korean), and since session 11 also ``patterns_system_prompt_words``
(the system prompt asked for by its place or origin) and ``patterns_wild_moves`` (Pliny's
divider, the hypothetical response rewritten as a character), since session 12
``patterns_secret_moves`` (the model's configuration by names only it has, a secret asked for
under a licensing frame or a threat); this module assembles them in order.
"""

from __future__ import annotations

from policies.detectors.injection import (
    patterns_cjk_cyrillic,
    patterns_delimiters,
    patterns_exfiltration,
    patterns_override,
    patterns_secret_moves,
    patterns_system_prompt,
    patterns_system_prompt_words,
    patterns_tool_calls,
    patterns_wild_moves,
)
from policies.detectors.injection.rule_index import RuleIndex
from policies.detectors.injection.rules import Rule
from policies.detectors.injection.scoring import (
    INSTRUCTION_OVERRIDE,
    ROLEPLAY_JAILBREAK,
    SYSTEM_PROMPT_EXFILTRATION,
)

_IO, _RJ, _SP = INSTRUCTION_OVERRIDE, ROLEPLAY_JAILBREAK, SYSTEM_PROMPT_EXFILTRATION

# In the order the rules were written: the index tries them, and reports hits, in this order.
RULES: tuple[Rule, ...] = (
    *patterns_override.TASK_SWITCH_RULES,
    *patterns_system_prompt.SECRET_REQUEST_RULES,
    *patterns_tool_calls.AGENT_FORMAT_RULES,
    *patterns_override.OVERRIDE_RULES,
    *patterns_override.ROLEPLAY_NAME_RULES,
    *patterns_system_prompt.SYSTEM_PROMPT_RULES,
    *patterns_delimiters.DELIMITER_RULES,
    *patterns_tool_calls.TOOL_CALL_RULES,
    *patterns_exfiltration.EXFILTRATION_RULES,
    *patterns_cjk_cyrillic.OVERRIDE_RULES,
    *patterns_cjk_cyrillic.SYSTEM_PROMPT_RULES,
    *patterns_cjk_cyrillic.ROLEPLAY_NAME_RULES,
    *patterns_system_prompt_words.SYSTEM_PROMPT_WORDS_RULES,
    *patterns_wild_moves.WILD_MOVE_PATTERNS,
    *patterns_secret_moves.SECRET_MOVE_RULES,
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
