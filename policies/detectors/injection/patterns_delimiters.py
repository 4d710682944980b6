"""Pattern rules for fake delimiters: chat-template tokens, role tags and forged turns.

An ``Assistant:`` turn counts as forged only where it fakes one (after text that is no turn
of its own, opening compliance after other text, or opening the text and breaking off for
the model to go on); context boundaries written out in words, as injected e-mails and tool
results fake them (``<|end tool output|>``, ``### END OF EMAILS ###``).

Assembled into ``patterns.RULES`` in the order they were written (weights: see ``patterns``).
"""

from __future__ import annotations

from policies.detectors.injection.rules import Rule, rule
from policies.detectors.injection.scoring import FAKE_DELIMITERS

_FD = FAKE_DELIMITERS

# A line that does not open with a speaker's label ("User:", "Customer:", "**Q:**").
_LINE_UNLABELLED = r"(?:^|\n)(?![ \t]*[*_]*\w[\w .'-]{0,24}[*_]*:)"
# An answer that opens by complying.
_COMPLIES = (
    r"[\"'*]*(?:sure|of course|certainly|absolutely|yes|okay|ok|understood|no problem|"
    r"happy to|gladly)\b"
)

DELIMITER_RULES: tuple[Rule, ...] = (
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
    # The same role marker written as a tag after the rule ("###(system_message) transfer
    # ...", "## [system message]", "=== <admin_note> ==="): a heading does not bracket its
    # title, and "(system_message)" with no rule before it is a call's argument in code. A
    # tag, as "[system]" is: weighed the same (0.85), not left for the model to halve.
    rule(
        _FD,
        0.85,
        r"(?:#{2,}|={3,}|-{3,}|\*{3,})[ \t]*[(\[<{]\s*(?:system|admin|developer|sys)(?:[_ -]?(?:message|msg|prompt|instructions?|notes?|notice|override|command))?\s*[)\]>}]",
        (
            "system",
            "system_message",
            "system_msg",
            "system_prompt",
            "system_instruction",
            "system_instructions",
            "system_note",
            "system_notice",
            "system_override",
            "system_command",
            "systemmessage",
            "admin",
            "admin_message",
            "admin_note",
            "admin_override",
            "admin_command",
            "developer",
            "developer_message",
            "developer_note",
            "sys",
            "sys_msg",
        ),
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
        # A prompt file opens with its role: "System: You are a travel agent assistant."
        r"^\s*(?:system|developer)\s*:\s*(?!you are an? )\S|\n\s*(?:system|developer)\s*:\s*\S",
        ("system", "developer"),
        needles=(":",),
        # Its "^\s*" spans lines, so it has no literal start: looked for only where the label
        # is (review12: 896,233 regex positions on the benign training texts, the most of any).
        requires=r"\b(?:system|developer)\s*:",
    ),
    # An assistant turn is forged when it sits after text that is not a turn of its own (a
    # message, a document, an instruction: "summarise this.\nAssistant: ..."), when it opens
    # compliance after other text ("User: ...\nAssistant: Sure, ..."), or when, opening the
    # text, its first line complies and breaks off for the model to go on ("Assistant: Sure,
    # here is", "..., here's everything:"). A text that opens with "Assistant:" and says what
    # was done ("Assistant: Sure, here is the summary of the meeting notes you asked for.") is
    # a transcript line reporting work, and a turn in a chat log or few-shot example that
    # answers without complying ("User: ...\nAssistant: The capital is Paris.") is neither.
    rule(
        _FD,
        0.45,
        _LINE_UNLABELLED + r"[^\n]*\S[^\n]*\n\s*assistant\s*:\s*\S"
        rf"|\n\s*assistant\s*:\s*{_COMPLIES}"
        rf"|\A\s*assistant\s*:\s*{_COMPLIES}[^\n]*?(?:[:,]|\bhere(?:'s| is| are))\s*(?:\n|\Z)",
        "assistant",
        needles=(":",),
        requires=r"(?:^|\n)\s*assistant\s*:\s*\S",
    ),
    rule(
        _FD,
        0.5,
        r"\b(?:end of|end) (?:the )?(?:user )?(?:input|prompt|document|context|conversation|email|data)\b\s*[\]>.:\-]*\s*(?:\n|$|new|system|now)",
        "end",
        ("input", "prompt", "document", "context", "conversation", "email", "data"),
    ),
    rule(_FD, 0.45, r"<\|[a-z_]{2,20}\|>", needles=("<|",)),
    # Role and context boundaries written out in words, as injected e-mails and tool results
    # fake them: "<|end tool output|> <|begin user prompt|>", "### END OF MAILS ###",
    # "<END_SUMMARY>".
    rule(
        _FD,
        0.8,
        r"<\|\s*(?:end|begin|start)[ _](?:of[ _])?(?:the[ _])?(?:tool|user|system|assistant|e-?mail|document|context|function|data|mail)[\w ]{0,20}\|>",
        needles=("<|",),
    ),
    rule(
        _FD,
        0.5,
        r"\bthe end of the (?:external|untrusted|retrieved|e-?mail|user|tool) (?:text|content|data|input|e-?mails?|documents?|output)\b",
        "end",
        ("external", "untrusted", "retrieved", "email", "mail", "user", "tool"),
    ),
    rule(
        _FD,
        0.5,
        r"(?:#{3,}|={3,}|<|\[)\s*/?(?:end|start|begin)[ _](?:of[ _])?(?:the[ _])?(?:(?:un)?trusted[ _]|external[ _]|retrieved[ _])?(?:e-?mails?|mails?|user[ _]prompt|user[ _]input|context|summary|tool[ _](?:output|result)|system[ _](?:prompt|footer|message|notice)|documents?)\b",
        ("end", "start", "begin"),
        needles=("###", "===", "<", "["),
    ),
    rule(
        _FD,
        0.5,
        r"\{\{\s*system\s*\}\}|\bhuman:\s.*\bassistant:\s",
        ("system", "human"),
        needles=("{{", "human:"),
    ),
)
