"""Build the benign *training* texts of the injection model (never the evaluation sets).

Taken from places the evaluation sets do not use, so held-out figures stay honest:

- the SDK frameworks' venv (``.venv-sdk``: LangChain, LangGraph, CrewAI, AG2, OpenAI
  Agents, MCP, Chroma, ...): docstrings, the long string constants that are real LLM
  prompts and tool descriptions (hard negatives: "You are a helpful assistant ..."), and
  PyPI descriptions;
- the TypeScript SDK's ``node_modules`` (Vercel AI SDK, LangChain.js, OpenAI): README and
  documentation Markdown.

Seeded; run with the SDK venv's Python so its site-packages are the ones read:

    .venv-sdk/bin/python tests/data/detection/build_train_benign.py
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import random
import re
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
SEED = 23
CHUNK = 1500
OWN = {"execlave", "execlave-server"}
LIMITS = {"docstring": 2500, "prompt": 1200, "readme": 900, "markdown": 700}


def _eval_hashes() -> set[str]:
    seen = set()
    for path in (HERE / "benign").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            seen.add(
                hashlib.sha1(json.loads(line)["text"].encode(), usedforsecurity=False).hexdigest()
            )
    return seen


def _chunks(body: str) -> list[str]:
    out, buf = [], ""
    for para in re.split(r"\n\s*\n", body):
        if len(buf) + len(para) > CHUNK and buf:
            out.append(buf)
            buf = ""
        buf += para + "\n\n"
    if buf.strip():
        out.append(buf)
    return [c for c in out if len(c) >= 80]


def python_texts() -> dict[str, list[tuple[str, str]]]:
    root = Path(sysconfig.get_paths()["purelib"])
    kinds: dict[str, list[tuple[str, str]]] = {"docstring": [], "prompt": []}
    for path in sorted(root.rglob("*.py")):
        if {"tests", "test", "__pycache__"} & set(path.parts):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        where = str(path.relative_to(root))
        docs = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc and len(doc) >= 60:
                    docs.add(doc)
                    kinds["docstring"].append((where, doc[:3000]))
        for node in ast.walk(tree):
            # Long string constants that address a model: prompt templates, tool descriptions.
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if len(text) >= 120 and text not in docs and re.search(r"\byou\b", text, re.I):
                    kinds["prompt"].append((where, text[:3000]))
    return kinds


def readmes() -> list[tuple[str, str]]:
    out = []
    for dist in sorted(metadata.distributions(), key=lambda d: d.metadata["Name"] or ""):
        name = dist.metadata["Name"]
        body = dist.metadata.get_payload() or dist.metadata.get("Description") or ""
        if name in OWN or len(body) < 400:
            continue
        out += [(f"{name} {dist.version} (PyPI description)", c) for c in _chunks(body)]
    return out


def markdown() -> list[tuple[str, str]]:
    base = ROOT / "sdk" / "typescript" / "node_modules"
    out = []
    for path in sorted(base.rglob("*.md")):
        try:
            body = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        out += [(str(path.relative_to(base)), c) for c in _chunks(body)]
    return out


def main() -> None:
    rng = random.Random(SEED)
    taken = _eval_hashes()
    pools = {**python_texts(), "readme": readmes(), "markdown": markdown()}
    rows = []
    for kind, pool in pools.items():
        unique = {}
        for source, text in pool:
            digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
            if digest not in taken and digest not in unique:
                unique[digest] = (source, text)
        items = sorted(unique.values())
        rng.shuffle(items)
        picked = items[: LIMITS[kind]]
        rows += [{"kind": kind, "source": s, "text": t} for s, t in picked]
        print(f"{kind}: {len(picked)} of {len(items)}", file=sys.stderr)
    out = HERE / "train" / "benign.jsonl.gz"
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        for i, row in enumerate(rows):
            fh.write(json.dumps({"id": f"train-benign-{i:05d}", **row}, ensure_ascii=False) + "\n")
    print(f"{out.relative_to(ROOT)}: {len(rows)} texts", file=sys.stderr)


if __name__ == "__main__":
    main()
