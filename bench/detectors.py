"""PII detection: Execlave's detector vs Presidio's pattern recognizers, same texts.

Builds a labelled corpus (seeded): ~2 KB documents of business prose in which generated
SSNs, Luhn-valid cards, mod-97-valid IBANs, e-mails, phone numbers, IPs, passports and
dates of birth are planted at known spans, among distractors (order numbers, prices,
versions, meeting dates, times). Then, on the same texts:

- throughput of ``policies.detectors.pii.find_pii`` (all eight types at once) and of
  Presidio's recognizers for the same entities, run directly (no spaCy model: pattern
  recognizers and the phonenumbers-based phone recognizer need no NLP artefacts);
- recall per type (a planted item counts when a detection of its type overlaps it) and
  precision (detections that overlap nothing of their type are false positives).

Presidio is installed for this bench only (``bench/requirements.txt``).

    .venv/bin/python bench/detectors.py [--docs 300] [--repeat 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import string
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.progress import Progress  # noqa: E402
from rich.table import Table  # noqa: E402

from policies.detectors.pii import PII_TYPES, find_pii, luhn_valid  # noqa: E402

console = Console()

PRESIDIO_TYPES = {
    "US_SSN": "ssn",
    "CREDIT_CARD": "credit_card",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip_address",
    "US_PASSPORT": "us_passport",
    "DATE_TIME": "date_of_birth",
}

PROSE = (
    "the quarterly report shows revenue growth across all regions with strong demand in "
    "retail and steady margins while logistics costs rose slightly because of fuel prices "
    "please review the attached summary before the board meeting and share feedback with "
    "the finance team so that we can close the books on time"
)
WORDS = PROSE.split(" ")

FIRST = ["Jane", "John", "Maria", "Wei", "Amir", "Sofia", "Liam", "Olga", "Kenji", "Ana"]
LAST = ["Doe", "Smith", "Garcia", "Chen", "Haddad", "Rossi", "Murphy", "Ivanova", "Sato", "Silva"]
DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "example.co.uk"]


# --- generators of planted PII ------------------------------------------------------------


def gen_ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(1, 900) if n != 666])
    sep = rng.choice(["-", "-", " "])
    return f"{area:03d}{sep}{rng.randint(1, 99):02d}{sep}{rng.randint(1, 9999):04d}"


def gen_card(rng: random.Random) -> str:
    prefix, length = rng.choice(
        [("4", 16), ("51", 16), ("55", 16), ("37", 15), ("6011", 16), ("2221", 16)]
    )
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    number = next(body + d for d in string.digits if luhn_valid(body + d))
    style = rng.choice(["plain", "space", "dash"])
    if style == "plain":
        return number
    sep = " " if style == "space" else "-"
    if len(number) == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


IBAN_FORMATS = {
    "DE": [(string.digits, 18)],
    "GB": [(string.ascii_uppercase, 4), (string.digits, 14)],
    "FR": [(string.digits, 23)],
    "NL": [(string.ascii_uppercase, 4), (string.digits, 10)],
    "ES": [(string.digits, 20)],
}


def gen_iban(rng: random.Random) -> str:
    country = rng.choice(sorted(IBAN_FORMATS))
    bban = "".join("".join(rng.choice(a) for _ in range(n)) for a, n in IBAN_FORMATS[country])
    number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    iban = f"{country}{98 - number % 97:02d}{bban}"
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if rng.random() < 0.6 else iban


def gen_email(rng: random.Random) -> str:
    return f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"


def gen_phone(rng: random.Random) -> str:
    a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    return rng.choice(
        [
            f"({a}) {b}-{c:04d}",
            f"{a}-{b}-{c:04d}",
            f"+1 {a} {b} {c:04d}",
            f"+44 20 {rng.randint(7000, 8999)} {c:04d}",
            f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        ]
    )


def gen_ip(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return ".".join(str(rng.randint(1, 254)) for _ in range(4))
    return f"2001:db8:{rng.randint(1, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"


def gen_passport(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.randint(100000000, 999999999)}"
    return f"{rng.choice(string.ascii_uppercase)}{rng.randint(10000000, 99999999)}"


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


def gen_dob(rng: random.Random) -> str:
    y, m, d = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        [
            f"{m:02d}/{d:02d}/{y}",
            f"{y}-{m:02d}-{d:02d}",
            f"{MONTHS[m - 1]} {d}, {y}",
            f"{d} {MONTHS[m - 1]} {y}",
        ]
    )


TEMPLATES = {
    "ssn": ["SSN: {}", "social security number {}", "the applicant's SSN is {}"],
    "credit_card": ["card number {}", "charged to {} yesterday", "Visa/MC {} exp 09/27"],
    "email": ["contact {}", "reply to {} please", "cc: {}"],
    "phone": ["call {}", "phone: {}", "reach me at {} after 5pm"],
    "iban": ["IBAN {}", "wire to account {}", "beneficiary IBAN: {}"],
    "ip_address": ["login from {}", "client ip {}", "blocked address {}"],
    "us_passport": ["passport number {}", "US passport {}", "passport no. {}"],
    "date_of_birth": ["DOB: {}", "date of birth {}", "born {}"],
}
GENERATORS = {
    "ssn": gen_ssn, "credit_card": gen_card, "email": gen_email, "phone": gen_phone, "iban": gen_iban,
    "ip_address": gen_ip, "us_passport": gen_passport, "date_of_birth": gen_dob,
}  # fmt: skip


def distractor(rng: random.Random) -> str:
    return rng.choice(
        [
            f"order #{rng.randint(10000, 99999)} shipped",
            f"total ${rng.randint(1, 9999)}.{rng.randint(0, 99):02d}",
            f"version {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            f"meeting on {rng.randint(1, 12)}/{rng.randint(1, 28)}/2025 at {rng.randint(8, 18)}:30",
            f"{rng.randint(2, 40)}% up year over year",
            f"ticket INC{rng.randint(1000000, 9999999)}",
        ]
    )


def build_corpus(
    n_docs: int, seed: int, target_chars: int = 2048
) -> list[tuple[str, list[tuple[str, int, int]]]]:
    rng = random.Random(seed)
    corpus = []
    for _ in range(n_docs):
        parts: list[str] = []
        labels: list[tuple[str, int, int]] = []
        length = 0
        while length < target_chars:
            roll = rng.random()
            if roll < 0.25:
                pii_type = rng.choice(PII_TYPES)
                value = GENERATORS[pii_type](rng)
                template = rng.choice(TEMPLATES[pii_type])
                sentence = template.format(value)
                start = length + sentence.index(value)
                labels.append((pii_type, start, start + len(value)))
            elif roll < 0.4:
                sentence = distractor(rng)
            else:
                sentence = " ".join(
                    rng.choice(WORDS) for _ in range(rng.randint(6, 16))
                ).capitalize()
            sentence += ". "
            parts.append(sentence)
            length += len(sentence)
        corpus.append(("".join(parts), labels))
    return corpus


# --- engines -------------------------------------------------------------------------------


def presidio_engine():
    logging.disable(logging.WARNING)
    os.environ.setdefault("TLDEXTRACT_CACHE", str(Path("/tmp/tldextract-cache")))
    import tldextract

    # Offline: the bundled public-suffix snapshot, never a download.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        DateRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UsPassportRecognizer,
        UsSsnRecognizer,
    )

    recognizers = [
        UsSsnRecognizer(), CreditCardRecognizer(), EmailRecognizer(), PhoneRecognizer(), IbanRecognizer(),
        IpRecognizer(), UsPassportRecognizer(), DateRecognizer(),
    ]  # fmt: skip

    def detect(text: str) -> list[tuple[str, int, int]]:
        out = []
        for recognizer in recognizers:
            for r in recognizer.analyze(
                text, entities=recognizer.supported_entities, nlp_artifacts=None
            ):
                if r.entity_type in PRESIDIO_TYPES and r.score > 0:
                    out.append((PRESIDIO_TYPES[r.entity_type], r.start, r.end))
        return out

    return detect


def execlave_detect(text: str) -> list[tuple[str, int, int]]:
    return [(m.type, m.start, m.end) for m in find_pii(text)]


def measure(name, detect, corpus, repeat, progress):
    task = progress.add_task(f"{name}", total=repeat * len(corpus))
    results = None
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        current = []
        for text, _labels in corpus:
            current.append(detect(text))
            progress.advance(task)
        best = min(best, time.perf_counter() - start)
        results = current
    return best, results


def score(corpus, results):
    found = Counter()
    total = Counter()
    false_pos = Counter()
    detections = Counter()
    for (_text, labels), dets in zip(corpus, results, strict=True):
        by_type = defaultdict(list)
        for t, s, e in dets:
            by_type[t].append((s, e))
            detections[t] += 1
        for t, s, e in labels:
            total[t] += 1
            if any(ds < e and s < de for ds, de in by_type[t]):
                found[t] += 1
        for t, spans in by_type.items():
            planted = [(s, e) for lt, s, e in labels if lt == t]
            false_pos[t] += sum(
                1 for ds, de in spans if not any(ds < e and s < de for s, e in planted)
            )
    return found, total, false_pos, detections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    corpus = build_corpus(args.docs, args.seed)
    chars = sum(len(t) for t, _ in corpus)
    planted = sum(len(labels) for _, labels in corpus)
    console.print(
        f"corpus: {len(corpus)} documents, {chars / 1024:.0f} KiB, {planted} planted PII items (seed {args.seed})"
    )

    with console.status("loading presidio-analyzer"):
        presidio = presidio_engine()
        presidio(corpus[0][0])  # warm-up: lazy imports and compiled patterns
    execlave_detect(corpus[0][0])

    with Progress(console=console, transient=True) as progress:
        ours_time, ours = measure("execlave", execlave_detect, corpus, args.repeat, progress)
        theirs_time, theirs = measure(
            "presidio", presidio, corpus, 1 if args.repeat > 1 else args.repeat, progress
        )

    ours_score = score(corpus, ours)
    theirs_score = score(corpus, theirs)

    table = Table(title="recall per type (planted items found) / false positives")
    table.add_column("type")
    table.add_column("planted", justify="right")
    table.add_column("execlave recall", justify="right")
    table.add_column("presidio recall", justify="right")
    table.add_column("execlave FP", justify="right")
    table.add_column("presidio FP", justify="right")
    for t in PII_TYPES:
        n = ours_score[1][t]
        table.add_row(
            t, str(n),
            f"{ours_score[0][t] / n:.1%}" if n else "-", f"{theirs_score[0][t] / n:.1%}" if n else "-",
            str(ours_score[2][t]), str(theirs_score[2][t]),
        )  # fmt: skip
    console.print(table)

    def overall(s):
        found, total, fp, det = s
        recall = sum(found.values()) / max(1, sum(total.values()))
        precision = 1 - sum(fp.values()) / max(1, sum(det.values()))
        return recall, precision

    ours_recall, ours_precision = overall(ours_score)
    theirs_recall, theirs_precision = overall(theirs_score)
    ours_rate = chars / ours_time / 1e6
    theirs_rate = chars / theirs_time / 1e6
    console.print(f"execlave: {ours_rate:8.2f} MB/s  {len(corpus) / ours_time:9.0f} docs/s  "
                  f"recall {ours_recall:.1%}  precision {ours_precision:.1%}")  # fmt: skip
    console.print(f"presidio: {theirs_rate:8.2f} MB/s  {len(corpus) / theirs_time:9.0f} docs/s  "
                  f"recall {theirs_recall:.1%}  precision {theirs_precision:.1%}")  # fmt: skip
    ratio = ours_rate / theirs_rate
    verdict = "goal met" if ratio >= 10 and ours_recall >= theirs_recall else "goal NOT met"
    console.print(f"speed ratio: {ratio:.1f}x (goal >= 10x at equal or better recall: {verdict})")


if __name__ == "__main__":
    main()
