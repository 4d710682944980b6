"""Every relative link in the README, docs/ and the SDK's guide resolves: the file exists and,
when the link names an anchor, the target has that heading."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.docs.markdown import ROOT, anchors, documents, links, slug


def _broken(document: Path) -> list[str]:
    problems = []
    text = document.read_text(encoding="utf-8")
    for line, target in links(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (document.parent / unquote(path_part)).resolve() if path_part else document
        where = f"{document.relative_to(ROOT)}:{line}: {target}"
        if not resolved.is_relative_to(ROOT):
            problems.append(f"{where} points outside the repository")
        elif not resolved.exists():
            problems.append(f"{where} -> no such file")
        elif (
            anchor
            and resolved.suffix == ".md"
            and anchor not in anchors(resolved.read_text(encoding="utf-8"))
        ):
            problems.append(f"{where} -> no heading with anchor #{anchor}")
    return problems


@pytest.mark.parametrize("document", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(document):
    assert document.exists(), document
    assert _broken(document) == []


def test_the_index_links_every_page_of_the_docs():
    index = ROOT / "docs" / "index.md"
    linked = {
        (index.parent / target.partition("#")[0]).resolve()
        for _, target in links(index.read_text(encoding="utf-8"))
    }
    pages = {p.resolve() for p in (ROOT / "docs").glob("*.md")} - {index.resolve()}
    assert sorted(str(p.relative_to(ROOT)) for p in pages - linked) == []


def test_the_readme_stays_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200


def test_the_checker_catches_a_broken_link_and_a_missing_anchor(tmp_path, monkeypatch):
    # The checker itself must be able to fail: a page with one good and two bad links.
    fake = tmp_path / "page.md"
    fake.write_text(
        "# Title\n\n[ok](#title) [gone](nope.md) [bad](#no-such-heading)\n`[code](x.md)`\n"
    )
    monkeypatch.setattr("tests.docs.test_links.ROOT", tmp_path)
    problems = _broken(fake)
    assert len(problems) == 2, problems


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        (
            "Agents wait: `GET /api/v1/approvals/<id>?wait=<seconds>`",
            "agents-wait-get-apiv1approvalsidwaitseconds",
        ),
        ("Chain-head lock or sequencer?", "chain-head-lock-or-sequencer"),
        ("The ledger (traces)", "the-ledger-traces"),
    ],
)
def test_anchors_are_githubs(heading, anchor):
    assert slug(heading) == anchor
