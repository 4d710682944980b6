"""Normalisation and de-obfuscation: every variant of a string that is worth matching.

1. **Normalise** - decode Unicode tag characters (invisible "ASCII smuggling"), strip
   zero-width and bidi controls, NFKC (full-width letters, ligatures), fold homoglyphs
   (Cyrillic/Greek look-alikes) and diacritics, join s p a c e d letters, undo leetspeak.
2. **Decode layers** - base64, hex (``6967...`` and ``\\x69``), URL-encoding,
   HTML entities, ``\\u0069`` escapes and ROT13 (when the text says so), up to three
   layers deep.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
from collections.abc import Iterable
from itertools import filterfalse
from urllib.parse import unquote_plus

from policies.detectors.injection.folding import COMBINING as _COMBINING
from policies.detectors.injection.folding import HOMOGLYPHS as _HOMOGLYPHS
from policies.detectors.injection.patterns import GATE_WORDS
from policies.detectors.injection.rules import word_set

MAX_SCAN_CHARS = 200_000  # per string; beyond that only the head is scanned
MAX_DEPTH = 3


# --- normalisation ----------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010))  # zero-width space/joiners, LRM/RLM
    + list(range(0x202A, 0x202F))  # bidi embeddings/overrides
    + list(range(0x2060, 0x2070))  # word joiner, invisible operators, bidi isolates
    + list(range(0xFE00, 0xFE10))  # variation selectors
)

_INVISIBLE_BETWEEN_LETTERS = re.compile(
    "[A-Za-z0-9 ][\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u3164\ufeff\uffa0"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f]+[A-Za-z0-9 ]"
)


_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "l"}
)
_LEET_HINT = re.compile(r"[a-z][013457@$|][a-z]|[013457@$|][a-z]{2}[013457@$|]")
# "(?<!\w)(?:\w[ .\-_*·]{1,2}){4,}\w(?!\w)" opening with its first character and separator, the
# look-behind after them (it sees the character before the \w), the first repeat unrolled: ``re``
# skips to a word character, and inside a word the separator fails before any look-behind runs.
# Same matches (session 17: training texts and 100,000 random strings); 19 % fewer instructions a
# search on the training texts (callgrind), where "\w(?<!\w\w)" alone cost 16 % more.
_SPACED = re.compile(r"\w[ .\-_*·](?<!\w\w[ .\-_*·])[ .\-_*·]?(?:\w[ .\-_*·]{1,2}){3,}\w(?!\w)")
# The scans below open with a character class or a literal, not a repeat (``X X*`` for ``X+``,
# one repeat unrolled for ``(?:...){n,}``): ``re`` (CPython 3.11) skips to where a match can start
# only then, else it tries a match at every character. Same matches; fewer instructions on
# /check's payload (callgrind, session 16): _HSPACE 24 %, _HEX_RUN 70 %, _HEX_ESCAPES 98 %,
# _UNICODE_ESCAPES 98 %, _SPACED_RUN 39 %. _BASE64_RUN and _LETTER_RUN keep theirs: most
# characters can open them, and the rewrite cost 13 % and 1 % more.
_HSPACE = re.compile(r"[ \t\f\v\u00a0][ \t\f\v\u00a0]*")

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX_RUN = re.compile(r"[0-9a-fA-F][0-9a-fA-F](?:[0-9a-fA-F]{2}){7,}")
_HEX_ESCAPES = re.compile(r"\\x[0-9a-fA-F]{2}(?:\\x[0-9a-fA-F]{2}){3,}")
_URL_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_HTML_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")
_UNICODE_ESCAPES = re.compile(r"\\u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4}){2,}")
_ROT13_HINT = re.compile(r"rot[\s_-]?13", re.I)


_TAG_CHAR = re.compile("[\U000e0000-\U000e007f]")
_NON_LATIN_LETTER = re.compile(r"[^\x00-\x7f]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile(r"[a-zA-Z]")


def _decode_tags(text: str) -> str | None:
    """Unicode tag characters U+E0020..E007E mirror ASCII and render invisibly."""
    if _TAG_CHAR.search(text) is None:
        return None
    return "".join(chr(ord(c) - 0xE0000) if 0xE0020 <= ord(c) <= 0xE007E else " " for c in text)


# Typography that ordinary writing uses: folded silently, never counted as hiding.
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)  # fmt: skip


def _chars_of(table: dict[int, object]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")


# ``str.translate`` with a table looks every character of a non-ASCII text up in it (a dict
# lookup and a KeyError each: ~60 us for a 1 KB text); most texts hold none of a table's
# characters, which one scan of a character class says (session 14). The typographic table's
# characters are replaced one by one where present: its replacements are ASCII, so none makes
# another's key, and the result is ``translate``'s.
_TYPOGRAPHIC_PAIRS = tuple((chr(k), v) for k, v in _TYPOGRAPHIC.items())
_INVISIBLE_CHARS = _chars_of(_INVISIBLE)
_HOMOGLYPH_CHARS = _chars_of(_HOMOGLYPHS)


def _typographic_folded(text: str) -> str:
    for char, plain in _TYPOGRAPHIC_PAIRS:
        if char in text:
            text = text.replace(char, plain)
    return text


def _disguised_letters(text: str) -> int:
    """Non-ASCII characters that NFKC turns into ASCII letters or digits."""
    count = 0
    for c in _NON_LATIN_LETTER.findall(text):
        if c.isalnum():
            n = unicodedata.normalize("NFKC", c)
            if n.isascii() and n.isalnum():
                count += 1
                if count >= 3:
                    break
    return count


def _fold(text: str) -> tuple[str, bool]:
    """Return (folded text, hidden?) - Unicode tricks removed, lower-cased, spaces collapsed.

    ``hidden`` is true only for tricks that serve to hide words (invisible characters,
    full-width or mathematical letters, look-alike letters), not for curly quotes, dashes
    or accented letters that ordinary text in any language has.
    """
    hidden = False
    if not text.isascii():
        typo = _typographic_folded(text)
        stripped = typo.translate(_INVISIBLE) if _INVISIBLE_CHARS.search(typo) else typo
        if not stripped.isascii() and _TAG_CHAR.search(stripped):
            stripped = _TAG_CHAR.sub("", stripped)
        # Emoji presentation selectors and joiners inside emoji are ordinary; invisible
        # characters between letters are not.
        hidden = len(stripped) != len(typo) and _INVISIBLE_BETWEEN_LETTERS.search(typo) is not None
        nfkc = unicodedata.normalize("NFKC", stripped)
        if not hidden and nfkc != unicodedata.normalize("NFC", stripped):
            # Full-width or mathematical letters hide words; a "(TM)" or a ligature does not.
            hidden = _disguised_letters(stripped) >= 3
        folded = nfkc.translate(_HOMOGLYPHS) if _HOMOGLYPH_CHARS.search(nfkc) else nfkc
        if folded != nfkc and not hidden:
            # Look-alikes inside Latin words hide them; whole Cyrillic/Greek text does not, nor
            # do whole Russian words in a mostly English text ("Добрый день! Forwarding the
            # customer's message ...": session 12, the +0.1 of a hidden hit blocked it).
            hidden = len(nfkc) - len(_NON_LATIN_LETTER.findall(nfkc)) > len(nfkc) * 0.7 and any(
                not word.isascii() and _ASCII_LETTER.search(word)
                for word in _LETTER_RUN.findall(nfkc)
            )
        if not folded.isascii():
            folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
        text = folded
    lowered = text.lower()
    if (
        "  " in lowered
        or "\t" in lowered
        or "\xa0" in lowered
        or "\f" in lowered
        or "\v" in lowered
    ):
        lowered = _HSPACE.sub(" ", lowered)
    return lowered, hidden


# Payload splitting: an instruction cut into string pieces the model is told to join
# (a = "ignore all", b = "previous instructions", say a + b). The pieces, joined, are
# matched as one more variant.
_QUOTED_PIECE = re.compile(r"""(?:"([^"\n]{1,200})"|'([^'\n]{1,200})')""")
_JOIN_HINT = re.compile(
    r"[\w'\")\]]\s*\+\s*[\w'\"(]|concat|combine|\bjoin|put (?:\w+ ){0,2}together|merge|\bappend",
    re.I,
)
_REVERSED_HINT = re.compile(
    r"\bbackwards?\b|\breversed? (?:text|order|string|it|this)\b|\bin reverse\b"
)


# "I g n o r e   a l l" - letters one space apart, words three apart.
_SPACED_RUN = re.compile(r"\S {1,3}(?:\S {1,3}){4,}\S")  # a repeat unrolled: see _HSPACE


def _unspaced(text: str) -> str | None:
    """The text with letter-spaced runs closed up, keeping the wider gaps between words."""
    if "   " not in text and "  " not in text:
        return None
    changed = False

    def close(m: re.Match[str]) -> str:
        nonlocal changed
        run = m.group()
        if "  " not in run:
            return run
        changed = True
        return " ".join(w.replace(" ", "") for w in re.split(r" {2,}", run))

    out = _SPACED_RUN.sub(close, text[:20_000])
    return out if changed else None


# ``_JOIN_HINT`` read with ``str`` methods in ASCII text, where lower-casing is what its
# IGNORECASE does: its case-blind scan tries a character class at every letter (~0.1 ms per
# text); "concat", "combine" and "merge" match wherever they are, the other words only where
# the regex says; a text with a "+" is searched whole, lower-cased, case-sensitively (session 14).
_JOIN_HINT_WORDS = re.compile(r"\bjoin|put (?:\w+ ){0,2}together|\bappend")
_JOIN_HINT_LOWER = re.compile(_JOIN_HINT.pattern)


def _join_hinted(text: str) -> bool:
    if not text.isascii():
        return _JOIN_HINT.search(text) is not None
    lowered = text.lower()
    if "+" in lowered:
        return _JOIN_HINT_LOWER.search(lowered) is not None
    if "concat" in lowered or "combine" in lowered or "merge" in lowered:
        return True
    if "join" not in lowered and "together" not in lowered and "append" not in lowered:
        return False
    return _JOIN_HINT_WORDS.search(lowered) is not None


def _joined_pieces(text: str) -> str | None:
    if text.count('"') + text.count("'") < 4 or not _join_hinted(text):
        return None
    pieces = [a or b for a, b in _QUOTED_PIECE.findall(text[:20_000])]
    if not 2 <= len(pieces) <= 12 or sum(map(len, pieces)) > 400:
        return None  # code full of string literals is not a split instruction
    return " ".join(p.strip() for p in pieces)


def _printable_ratio(text: str) -> float:
    if not text:
        return 0.0
    good = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    return good / len(text)


def _as_text(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = sum(c.isalpha() for c in text)
    if len(text) < 6 or _printable_ratio(text) < 0.9 or letters < len(text) * 0.5:
        return None
    return text


def _b64decode(run: str) -> str | None:
    body = run.rstrip("=")
    padded = body + "=" * (-len(body) % 4)
    # Without "-" or "_" the URL-safe alphabet reads the run as the standard one did.
    for altchars in (b"+/", b"-_") if "-" in body or "_" in body else (b"+/",):
        try:
            decoded = _as_text(base64.b64decode(padded, altchars=altchars, validate=False))
        except (binascii.Error, ValueError):
            continue
        if decoded:
            return decoded
    return None


def _decoded_layers(text: str, words: set[str]) -> Iterable[tuple[str, str]]:
    """Yield (layer name, decoded text) for every encoding found in ``text``; ``words`` is
    ``word_set`` of the text folded (``_fold``)."""
    long_words = [w for w in words if len(w) >= 16]
    if long_words:
        for m in _BASE64_RUN.finditer(text):
            run = m.group()
            if run.isdigit() or (run.isalpha() and (run.islower() or run.isupper())):
                continue  # plain numbers and words are not base64 worth decoding
            decoded = _b64decode(run)
            if decoded:
                yield "base64", decoded
        # A run of 16 hex digits is inside one word of the folded text, which keeps ASCII
        # letters and digits (lower-cased) where they were: English words are full of a-f, and
        # the scan of the whole text for pairs of them cost more than the base64 one.
        if any(_HEX_RUN.search(w) for w in long_words):
            for m in _HEX_RUN.finditer(text):
                decoded = _as_text(bytes.fromhex(m.group()))
                if decoded:
                    yield "hex", decoded
    if "\\x" in text:
        for m in _HEX_ESCAPES.finditer(text):
            decoded = _as_text(bytes.fromhex(m.group().replace("\\x", "")))
            if decoded:
                yield "hex", decoded
    if text.count("%") >= 3 and len(_URL_ESCAPE.findall(text)) >= 3:
        decoded = unquote_plus(text)
        if decoded != text:
            yield "url", decoded
    if "&" in text and _HTML_ENTITY.search(text):
        decoded = html.unescape(text)
        if decoded != text:
            yield "html", decoded
    if "\\u" in text and _UNICODE_ESCAPES.search(text):
        decoded = _UNICODE_ESCAPES.sub(
            lambda m: m.group().encode("ascii").decode("unicode_escape"), text
        )
        yield "unicode_escape", decoded
    if "rot" in text.lower() and _ROT13_HINT.search(text):
        yield "rot13", codecs.decode(text, "rot13")


_ASCII_CHARS = frozenset(map(chr, range(128)))


def variant_sets(text: str) -> list[tuple[str, str, set[str], bool]]:
    """(layer, normalised text, its word set, squashed?) for the text and what hides in it."""
    out: list[tuple[str, str, set[str], bool]] = []
    seen: set[str] = set()
    queue: list[tuple[str, str, int]] = [("text", text[:MAX_SCAN_CHARS], 0)]
    tags = _decode_tags(text) if not text.isascii() else None
    if tags:
        queue.append(("unicode_tags", tags, 1))
    while queue:
        layer, raw, depth = queue.pop(0)
        folded, hidden = _fold(raw)
        if hidden and layer == "text":
            layer = "unicode"
        if folded in seen:
            continue
        seen.add(folded)
        words = word_set(folded)
        out.append((layer, folded, words, False))
        # Counted and filtered in C (a set intersection, map, filterfalse): ~80 words per 1.5 KB,
        # every string; the words of an ASCII text of one character are ASCII characters.
        singles = len(words & _ASCII_CHARS) if folded.isascii() else list(map(len, words)).count(1)
        if singles >= 5 and _SPACED.search(folded):
            joined = _SPACED.sub(lambda m: re.sub(r"[ .\-_*·]", "", m.group()), folded)
            out.append(("spaced", joined, word_set(joined), True))
        odd = list(filterfalse(str.isdigit, filterfalse(str.isalpha, words)))
        if odd and not GATE_WORDS.isdisjoint(w.translate(_LEET) for w in odd):
            leet = folded.translate(_LEET)
            out.append(("leetspeak", leet, word_set(leet), False))
        if depth == 0:
            pieces = _joined_pieces(raw)
            if pieces:
                queue.append(("split", pieces, depth + 1))
            if "backward" in folded or ("revers" in folded and _REVERSED_HINT.search(folded)):
                queue.append(("reversed", raw[::-1], depth + 1))
            if singles >= 5:
                unspaced = _unspaced(raw)
                if unspaced:
                    queue.append(("spaced", unspaced, depth + 1))
        if depth < MAX_DEPTH:
            for name, decoded in _decoded_layers(raw, words):
                queue.append((name, decoded, depth + 1))
    return out


def variants(text: str) -> list[tuple[str, str]]:
    """Every (layer, normalised text) that is matched: the text itself and what hides in it."""
    return [(layer, folded) for layer, folded, _, _ in variant_sets(text)]
