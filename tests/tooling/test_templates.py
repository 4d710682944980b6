"""Template hygiene that Django does not check: ``{# … #}`` is a one-line comment, and one that
spans lines is not a comment at all — Django renders it as text, and the reviewer queue showed
its note about screen readers under every decided card."""

from __future__ import annotations

from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", ".venv-sdk", ".venv-bench", "node_modules", ".git"}


def templates() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("templates/**/*.html")
        if not SKIP.intersection(path.relative_to(ROOT).parts)
    )


def test_there_are_templates_to_check():
    assert len(templates()) > 40


def test_no_template_has_a_comment_that_django_would_print():
    leaks = []
    for path in templates():
        for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
            if token.token_type is TokenType.TEXT and "{#" in token.contents:
                leaks.append(f"{path.relative_to(ROOT)}:{token.lineno}")
    assert not leaks, f"multi-line {{# … #}} comments (use {{% comment %}}): {leaks}"
