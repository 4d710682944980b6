"""What each prompt-injection rule costs, and proof that a rule change matches the same texts.

Two uses, both offline and on the repository's texts:

- ``counts``: over the benign training texts (``tests/data/detection/train/``), per compiled rule
  of the three indexes (patterns ``P``, framing signals ``S``, reader actions ``A``): how often
  its index opens it (candidate), how often its gate passes (tried), the positions where its
  regex is tried (a rule with no literal start counts its text's length: a scan), the
  ``str.find`` scans of its prefixes, and how often it matches. Rules tried often that match
  rarely are the ones to gate tighter (words, ``requires=``).
- ``instructions``: under callgrind (instruction counts, which the machine's load does not
  move), the detector on ``bench/check.py``'s ``/check`` payload (100 calls) and rules only
  (``analyse_text(use_model=False)``) on every ``len // 1500``-th benign training text (1,500
  ordinary texts, ~525 characters on average): instructions per call and per text (session 14).
- ``hashes OUT`` then ``compare A B``: one hash per text of which rules match on which
  normalised variant, for every text of the written sets (both splits), the external corpora
  and the training corpora (held-out texts are only hashed, never shown). Run ``hashes`` before
  and after a change that should be cost-only: ``compare`` prints how many texts differ (0).
- ``rules OUT``: every compiled rule of the three indexes (each field: pattern and flags, word
  sets, needles, anchors, starts, needs, ...) and each index's tables, written canonically
  (sets sorted); prints the rule counts and the dump's sha256. Run it before and after a
  change that should build the same rules, under the same ``PYTHONHASHSEED`` (the order of a
  rule's ``starts`` follows the hash seed): the digests match.

    .venv/bin/python bench/rule_cost.py counts [--top 25]
    .venv/bin/python bench/rule_cost.py hashes /tmp/before.tsv
    .venv/bin/python bench/rule_cost.py compare /tmp/before.tsv /tmp/after.tsv
    PYTHONHASHSEED=0 .venv/bin/python bench/rule_cost.py rules /tmp/rules-before.txt
    .venv/bin/python bench/rule_cost.py instructions [--texts 1500]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # check.py's payload

from _common import callgrind_totals  # noqa: E402

from policies.detectors.injection import framing  # noqa: E402
from policies.detectors.injection.normalise import variant_sets  # noqa: E402
from policies.detectors.injection.patterns import INDEX  # noqa: E402
from policies.detectors.injection.rules import (  # noqa: E402
    ANCHOR_AFTER,
    ANCHOR_BEFORE,
    LINE_START,
    Rule,
    RuleIndex,
)
from tests.policies.detection_sets import (  # noqa: E402
    TRAIN,
    external_samples,
    training_rows,
    written_samples,
)

INDEXES: dict[str, RuleIndex] = {"P": INDEX, "S": framing.INDEX, "A": framing.ACTION_INDEX}


def training_texts(*, benign_only: bool) -> Iterator[tuple[str, str]]:
    for path in sorted(TRAIN.glob("*.jsonl.gz")):
        for i, row in enumerate(training_rows(path.name)):
            if benign_only and row.get("label", "benign") != "benign":
                continue
            yield f"{path.name}:{i}", row["text"]


def all_texts() -> Iterator[tuple[str, str]]:
    yield from training_texts(benign_only=False)
    for i, s in enumerate(written_samples() + external_samples()):
        yield f"{i}:{s.id}", s.text


def _attempts(r: Rule, text: str) -> tuple[int, int]:
    """(positions where the regex is tried, str.find scans) for one search of ``r``."""
    if r.anchors:  # scanned in windows around its anchors: count the windows' length
        covered, end = 0, 0
        spans = []
        for anchor in r.anchors:
            pos = text.find(anchor)
            while pos >= 0:
                spans.append((max(0, pos - ANCHOR_BEFORE), min(len(text), pos + ANCHOR_AFTER)))
                pos = text.find(anchor, pos + 1)
        for lo, hi in sorted(spans):
            covered += max(0, hi - max(lo, end))
            end = max(end, hi)
        return covered, len(r.anchors)
    if not r.starts:
        return len(text), 0
    tried = 0
    for prefix in r.starts:
        if prefix == LINE_START:
            tried += text.count("\n") + 1
            continue
        pos = text.find(prefix)
        while pos >= 0:
            if not r.boundary_start or pos == 0 or not text[pos - 1].isalnum():
                tried += 1
            pos = text.find(prefix, pos + 1)
    return tried, len(r.starts)


def counts(top: int) -> None:
    # per (index, rule): candidate, tried, regex positions, find scans, matched
    stats: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    n = 0
    for _, text in training_texts(benign_only=True):
        n += 1
        for _layer, folded, words, _ in variant_sets(text):
            for name, index in INDEXES.items():
                for i in index.candidates(folded, words):
                    r = index.rules[i]
                    st = stats[(name, i)]
                    st[0] += 1
                    if not r._gate(words, folded, None):
                        continue
                    if r.requires is not None:
                        a, s = _attempts(r.requires, folded)
                        st[2] += a
                        st[3] += s
                        if not r.requires.search(folded):
                            continue
                    st[1] += 1
                    a, s = _attempts(r, folded)
                    st[2] += a
                    st[3] += s
                    st[4] += r.search(folded)
    total = [sum(v[k] for v in stats.values()) for k in range(5)]
    print(
        f"{n} benign training texts: {total[0]} candidates, {total[1]} tried, "
        f"{total[2]} regex positions, {total[3]} str.find scans, {total[4]} matches"
    )
    print("positions   scans  candidates  tried  matched  rule")
    for (name, i), (c, t, a, s, m) in sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]:
        r = INDEXES[name].rules[i]
        label = r.name or r.family
        print(f"{a:9d} {s:7d} {c:11d} {t:6d} {m:8d}  {name}{i} {label}: {r.regex.pattern[:70]}")


def hashes(out: Path) -> None:
    with out.open("w", encoding="utf-8") as f:
        for text_id, text in all_texts():
            found = []
            for layer, folded, words, _ in variant_sets(text):
                for name, index in INDEXES.items():
                    found += sorted(
                        repr((layer, name, r.family, r.weight, r.name, r.regex.pattern))
                        for r in index.matches(folded, words)
                    )
            digest = hashlib.sha1(json.dumps(found).encode(), usedforsecurity=False).hexdigest()
            f.write(f"{text_id}\t{digest}\n")


def compare(a: Path, b: Path) -> None:
    before = dict(line.split("\t") for line in a.read_text().splitlines())
    after = dict(line.split("\t") for line in b.read_text().splitlines())
    differ = sum(1 for k, v in before.items() if after.get(k) != v)
    print(f"{len(before)} texts, {differ} with different rule matches")


def _canonical(x) -> str:
    if isinstance(x, Rule):
        fields = (f.name for f in dataclasses.fields(Rule))
        return "Rule(" + ", ".join(f"{f}={_canonical(getattr(x, f))}" for f in fields) + ")"
    if isinstance(x, re.Pattern):
        return f"re({x.pattern!r}, {int(x.flags)})"
    if isinstance(x, set | frozenset):
        return "{" + ", ".join(sorted(_canonical(v) for v in x)) + "}"
    if isinstance(x, dict):
        return (
            "{" + ", ".join(sorted(f"{_canonical(k)}: {_canonical(v)}" for k, v in x.items())) + "}"
        )
    if isinstance(x, tuple | list):
        return "(" + ", ".join(_canonical(v) for v in x) + ")"
    return repr(x)


_TABLES = (
    "by_word", "by_needle", "needle_groups", "ascii_needle_groups", "index_words", "gate_words",
    "worded", "needle_masks", "word_slots", "token_slots",
)  # fmt: skip


def rules(out: Path) -> None:
    lines, counts = [], []
    for name, index in INDEXES.items():
        counts.append(f"{name} {len(index.rules)}")
        lines.append(f"== {name} {len(index.rules)}")
        lines += (_canonical(r) for r in index.rules)
        lines += (f"{name}.{t} = {_canonical(getattr(index, t))}" for t in _TABLES)
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    print(", ".join(counts), "rules; sha256", hashlib.sha256(text.encode()).hexdigest())


INNER = "EXECLAVE_RULE_COST_INNER"


def _sample(n: int) -> list[str]:
    texts = [text for _, text in training_texts(benign_only=True)]
    return texts[:: max(1, len(texts) // n)][:n]


def _instructions_inner(n: int) -> None:
    from check import request_body

    from policies.detectors.injection import analyse_text, detect_injection

    sample = _sample(n)
    payload = json.loads(request_body("crm-bot"))["input"]
    for text in sample[:50]:  # warm-up: imports, caches
        analyse_text(text, use_model=False)
    for _ in range(5):
        detect_injection(payload)
    gc.collect()
    gc.freeze()
    pid = str(os.getpid())

    def dump(label: str) -> None:
        subprocess.run(
            ["callgrind_control", "-d", label, pid], check=True, stdout=subprocess.DEVNULL
        )

    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, stdout=subprocess.DEVNULL)
    dump("start")
    for _ in range(100):
        detect_injection(payload)
    dump("payload")
    for text in sample:
        analyse_text(text, use_model=False)
    dump("texts")


def instructions(n: int) -> None:
    # A fixed hash seed: the order of a set of words moves the count by ~0.5 %.
    env = {**os.environ, INNER: "1", "PYTHONHASHSEED": "0", "EXECLAVE_EMBEDDINGS_MODEL": ""}
    totals = callgrind_totals([__file__, "instructions", "--texts", str(n)], env)
    print(
        f"detector on the /check payload: {totals['payload'] / 100 / 1e6:.3f} M instructions per "
        f"call; rules only on {n} benign training texts: {totals['texts'] / n / 1e6:.3f} M per text"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("counts")
    c.add_argument("--top", type=int, default=25)
    h = sub.add_parser("hashes")
    h.add_argument("out", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    rl = sub.add_parser("rules")
    rl.add_argument("out", type=Path)
    ins = sub.add_parser("instructions")
    ins.add_argument("--texts", type=int, default=1500)
    args = parser.parse_args()
    if args.command == "instructions":
        if os.environ.get(INNER):
            _instructions_inner(args.texts)
        else:
            instructions(args.texts)
    elif args.command == "counts":
        counts(args.top)
    elif args.command == "hashes":
        hashes(args.out)
    elif args.command == "rules":
        rules(args.out)
    else:
        compare(args.a, args.b)


if __name__ == "__main__":
    main()
