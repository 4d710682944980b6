"""Rebuild the benign sets taken from real text on this machine (not written by us).

- ``benign/docstrings.jsonl``: docstrings of the Python standard library and of the
  packages in the project's venv (each with its module and object name); every docstring
  that tells the reader to "use this function to ..." or "call the function with ..." is
  kept, the rest are sampled.
- ``benign/library_docs.jsonl``: the long descriptions (PyPI project pages, i.e. READMEs)
  of the installed packages, cut into ~1.5 KB pieces at paragraph boundaries.
- ``benign/code.jsonl``: ~1.5 KB pieces of Python source from the same modules.

Seeded, so the same venv gives the same sets:

    .venv/bin/python tests/data/detection/build_benign.py
"""

from __future__ import annotations

import ast
import json
import random
import re
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 17
CHUNK = 1500
OWN_DISTRIBUTIONS = {"execlave-server", "execlave"}
TOOLISH = re.compile(
    r"\b(?:use this (?:function|method|tool)|call (?:the|this) (?:function|method) with)\b", re.I
)


def _py_files() -> list[Path]:
    roots = [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"])]
    files: list[Path] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            parts = set(path.parts)
            if parts & {"test", "tests", "idlelib", "lib2to3", "__pycache__", "turtledemo"}:
                continue
            if "site-packages" in parts and root.name != "site-packages":
                continue
            files.append(path)
    return files


def _module_name(path: Path) -> str:
    for base in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"]):
        try:
            rel = path.relative_to(base)
        except ValueError:
            continue
        return ".".join(rel.with_suffix("").parts)
    return path.stem


def docstrings_and_code(rng: random.Random) -> tuple[list[dict], list[dict]]:
    docs: list[dict] = []
    code: list[dict] = []
    files = _py_files()
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        module = _module_name(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc and len(doc) >= 60:
                    name = getattr(node, "name", "<module>")
                    docs.append({"source": f"{module}:{name}", "text": doc[:4000]})
        if len(source) > 2 * CHUNK:
            start = rng.randrange(0, len(source) - CHUNK)
            start = source.rfind("\n", 0, start) + 1
            code.append({"source": module, "text": source[start : start + CHUNK]})
    toolish = [d for d in docs if TOOLISH.search(d["text"])]
    rest = [d for d in docs if not TOOLISH.search(d["text"])]
    rng.shuffle(rest)
    rng.shuffle(code)
    return toolish + rest[: 900 - len(toolish)], code[:300]


def library_docs(rng: random.Random) -> list[dict]:
    pieces: list[dict] = []
    for dist in sorted(metadata.distributions(), key=lambda d: d.metadata["Name"] or ""):
        body = dist.metadata.get_payload() or dist.metadata.get("Description") or ""
        if len(body) < 400:
            continue
        name = dist.metadata["Name"]
        if name in OWN_DISTRIBUTIONS:
            continue  # our own docs quote attacks on purpose
        buf = ""
        for para in re.split(r"\n\s*\n", body):
            if len(buf) + len(para) > CHUNK and buf:
                pieces.append({"source": f"{name} {dist.version} (PyPI description)", "text": buf})
                buf = ""
            buf += para + "\n\n"
        if buf.strip():
            pieces.append({"source": f"{name} {dist.version} (PyPI description)", "text": buf})
    rng.shuffle(pieces)
    return pieces[:500]


def main() -> None:
    rng = random.Random(SEED)
    docs, code = docstrings_and_code(rng)
    sets = {"docstrings": docs, "code": code, "library_docs": library_docs(rng)}
    for name, rows in sets.items():
        out = HERE / "benign" / f"{name}.jsonl"
        with out.open("w", encoding="utf-8") as fh:
            for i, row in enumerate(rows):
                fh.write(json.dumps({"id": f"{name}-{i:04d}", **row}, ensure_ascii=False) + "\n")
        print(f"{out.relative_to(HERE)}: {len(rows)} texts", file=sys.stderr)


if __name__ == "__main__":
    main()
