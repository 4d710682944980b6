"""Commands the docs give run as printed after `make run`: its virtualenv is `.venv`, which is not
activated, so a bare `python manage.py …` stops at "No module named 'django'" (and Debian has no
`python` at all)."""

from __future__ import annotations

import re

from tests.docs.markdown import ROOT, documents

# An interpreter (any word ending in "python" or "python3") in front of manage.py.
_RUN = re.compile(r"(\S*python3?)\s+manage\.py")


def test_manage_py_runs_with_the_virtualenv_make_run_installs():
    pages = [
        *documents(),
        ROOT / "sdk" / "typescript" / "README.md",
        *sorted((ROOT / "templates").rglob("*.html")),
    ]
    wrong = [
        f"{page.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for page in pages
        if page.name != "detection-history.md"
        for text in [page.read_text(encoding="utf-8")]
        for m in _RUN.finditer(text)
        if re.split(r"[`>(]", m.group(1))[-1] != ".venv/bin/python"  # after `, <code> or (
    ]
    assert wrong == []
