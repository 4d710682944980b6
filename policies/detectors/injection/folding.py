"""How letters are folded before the rules read a text, and patterns written the same way.

``normalise`` folds every text (NFKC, the look-alikes below, NFKD with combining marks dropped,
lower case). Latin text keeps its words, but other scripts change shape: Cyrillic letters that
look Latin become Latin ("все" is read as "bce", "й" as "и"), Hangul syllables are decomposed
into their jamo, a kana's voicing mark is split from it, and full-width punctuation becomes
ASCII ("，" is ","). Rules for those scripts are written in their own letters and passed
through ``folded`` so that they match what the detector actually reads.
"""

from __future__ import annotations

import re
import unicodedata

# Latin look-alikes from Cyrillic, Greek and a few symbol blocks (after NFKC).
HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ɑ": "a", "ɩ": "i", "ʏ": "y",
        "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
        "С": "c", "Т": "t", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s", "Ү": "y",
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "γ": "y",
        "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
        "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
        "ℓ": "l", "ı": "i", "ȷ": "j", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe",
    }
)  # fmt: skip

# Combining marks, dropped after NFKD ("é" is read as "e").
COMBINING = re.compile("[\u0300-\u036f]")


def _fold_char(ch: str) -> str:
    nfkc = unicodedata.normalize("NFKC", ch).translate(HOMOGLYPHS)
    return COMBINING.sub("", unicodedata.normalize("NFKD", nfkc)).lower()


def folded(pattern: str) -> str:
    """``pattern`` with each non-ASCII character written as ``normalise`` folds it; a
    character that folds to ASCII punctuation ("？", "（") is escaped, so it stays a literal."""
    out = []
    for ch in pattern:
        if ch.isascii():
            out.append(ch)
            continue
        f = _fold_char(ch)
        out.append(re.escape(f) if f.isascii() else f)
    return "".join(out)


def folded_text(text: str) -> str:
    """``text`` as ``normalise`` folds it, character by character (gate needles)."""
    return "".join(ch if ch.isascii() else _fold_char(ch) for ch in text).lower()


def folded_needles(needles: tuple[str, ...]) -> tuple[str, ...]:
    """Gate needles as ``normalise`` folds them, each once (two spellings may fold alike)."""
    return tuple(dict.fromkeys(map(folded_text, needles)))
