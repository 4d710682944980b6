"""Payment cards: issuer ranges with their real lengths, and the Luhn checksum.

A number is a card when an issuer's IIN range and allowed length both fit and the Luhn
check digit is right. Ranges from the issuers' published tables (ISO/IEC 7812 IINs):
Maestro's 12-digit cards and JCB's 15-digit ones are real and must be found; a 16-digit
number starting with 1, 7 or 9 is no card whatever its checksum.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    ranges: tuple[tuple[int, int], ...]  # inclusive IIN prefix ranges (same digit count)
    lengths: frozenset[int]


def _lengths(lo: int, hi: int) -> frozenset[int]:
    return frozenset(range(lo, hi + 1))


BRANDS: tuple[Brand, ...] = (
    Brand("visa", ((4, 4),), frozenset({13, 16, 19})),
    Brand("mastercard", ((51, 55), (2221, 2720)), frozenset({16})),
    Brand("amex", ((34, 34), (37, 37)), frozenset({15})),
    Brand("discover", ((6011, 6011), (644, 649), (65, 65), (622126, 622925)), _lengths(16, 19)),
    Brand("diners", ((300, 305), (3095, 3095), (36, 36), (38, 39)), _lengths(14, 19)),
    Brand("jcb", ((3528, 3589),), _lengths(15, 19)),
    Brand("jcb", ((2131, 2131), (1800, 1800)), frozenset({15})),  # JCB's original 15-digit IINs
    Brand("unionpay", ((62, 62),), _lengths(16, 19)),
    Brand(
        "maestro",
        (
            (5018, 5018),
            (5020, 5020),
            (5038, 5038),
            (5893, 5893),
            (6304, 6304),
            (6759, 6759),
            (6761, 6763),
            (50, 50),
            (56, 58),
            (639, 639),
            (67, 67),
        ),
        _lengths(12, 19),
    ),  # fmt: skip
    Brand("mir", ((2200, 2204),), _lengths(16, 19)),
    Brand("rupay", ((60, 60), (508, 508), (81, 82)), frozenset({16})),
    Brand("troy", ((9792, 9792),), frozenset({16})),
)

MIN_LENGTH = min(min(b.lengths) for b in BRANDS)
MAX_LENGTH = max(max(b.lengths) for b in BRANDS)


def luhn_valid(digits: str) -> bool:
    total = 0
    parity = len(digits) % 2
    for i, ch in enumerate(digits):
        d = ord(ch) - 48
        if i % 2 == parity:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """The brand whose IIN range and length fit ``digits`` (checksum not checked)."""
    n = len(digits)
    for brand in BRANDS:
        if n not in brand.lengths:
            continue
        for lo, hi in brand.ranges:
            width = len(str(lo))
            if n >= width and lo <= int(digits[:width]) <= hi:
                return brand.name
    return None


def is_card_number(digits: str) -> bool:
    return card_brand(digits) is not None and luhn_valid(digits)
