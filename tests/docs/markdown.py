"""Reading the project's Markdown the way GitHub renders it: fenced blocks, links, heading anchors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRAGMENT_MARK = "<!-- readme-test: fragment"

_FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)")
_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_INLINE_CODE = re.compile(r"(`+).*?\1")


def documents() -> list[Path]:
    """Every Markdown file whose links must resolve: the README, docs/ and the SDK's guide."""
    return [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
        ROOT / "sdk" / "python" / "README.md",
    ]


@dataclass
class Block:
    language: str
    code: str
    line: int  # 1-based line of the opening fence
    fragment: bool  # preceded by <!-- readme-test: fragment ... -->


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, language = match.group(1), match.group(2).lower()
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        previous = next((ln for ln in reversed(lines[:start]) if ln.strip()), "")
        found.append(
            Block(language, "\n".join(body) + "\n", start + 1, previous.startswith(FRAGMENT_MARK))
        )
        i += 1
    return found


def prose_lines(text: str, *, keep_code: bool = False) -> list[tuple[int, str]]:
    """Lines outside fenced blocks, inline code removed unless asked (links in code are not links)."""
    out: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if line.startswith(fence):
                fence = None
            continue
        out.append((number, line if keep_code else _INLINE_CODE.sub("", line)))
    return out


def links(text: str) -> list[tuple[int, str]]:
    return [(n, m.group(1)) for n, line in prose_lines(text) for m in _LINK.finditer(line)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    result: set[str] = set()
    for _, line in prose_lines(text, keep_code=True):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    result.update(re.findall(r'<a\s+(?:name|id)="([^"]+)"', text))
    return result
