"""Generated PII evaluation sets: identifiers in ordinary sentences, and near misses.

Seeded (Faker and ``random``), so every run builds the same texts. Shared by the
quality-gate tests and ``bench/detection.py``.

- ``positives(seed)``: (text, type, value) - one planted identifier per sentence, in the
  formats people write: phones from nine locales' Faker formats plus extensions and bare
  10-digit numbers after a phone keyword; every card brand at each of its real lengths,
  plain and grouped; SSNs with dashes or spaces; IBANs plain and in groups of four;
  e-mails; IPv4 and IPv6.
- ``near_misses(seed)``: (text, category) - texts that contain none of the types but
  look like them: Luhn-invalid card numbers, malformed SSNs (area 000/666/9xx, group 00,
  serial 0000), IBANs with a wrong check, version numbers, order ids, timestamps, dates,
  amounts, ZIP+4 codes, file names with ``@2x``, MAC addresses, clock times.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator

from faker import Faker

from policies.detectors.cards import BRANDS, luhn_valid

PII_EVAL_TYPES: tuple[str, ...] = ("phone", "credit_card", "ssn", "iban", "email", "ip_address")

PHONE_LOCALES = ("en_US", "en_CA", "en_GB", "fr_FR", "ja_JP", "pt_BR", "it_IT", "es_ES", "en_AU")
PHONE_CONTEXTS = (
    "You can reach me at {}.",
    "Call {} if the delivery is late.",
    "Her mobile is {} (after 5pm).",
    "Phone: {}",
    "Please ring the front desk on {} to confirm.",
    "For support, dial {} and choose option 2.",
    "tel. {} / fax on request",
    "Text me on {} when you land.",
)
SENTENCES = (
    "Customer record updated: {}.",
    "Please double-check {} before we send the contract.",
    "The form was submitted with {} in the notes field.",
    "{} was attached to ticket 4471 by the agent.",
    "We found {} in the exported spreadsheet.",
)
CARD_CONTEXTS = (
    "Card number: {}, exp 09/29.",
    "Please charge {} for the renewal.",
    "My card is {} - can you update billing?",
    "Payment failed on card {} yesterday.",
)


def _luhn_complete(body: str) -> str:
    for d in string.digits:
        if luhn_valid(body + d):
            return body + d
    raise AssertionError("unreachable")


def _card(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return _luhn_complete(body)


def _grouped(number: str, rng: random.Random) -> str:
    if len(number) == 15 and rng.random() < 0.5:
        return " ".join([number[:4], number[4:10], number[10:]])
    sep = rng.choice([" ", "-", ""])
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def card_values(rng: random.Random) -> Iterator[tuple[str, str]]:
    """(brand, number) for every brand x every real length x a few IIN prefixes."""
    for brand in BRANDS:
        for lo, hi in brand.ranges:
            width = len(str(lo))
            for _ in range(2):
                prefix = str(rng.randint(lo, hi)).zfill(width)
                for length in sorted(brand.lengths):
                    yield brand.name, _card(rng, prefix, length)


def _ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(1, 900) if n != 666])
    sep = rng.choice(["-", "-", "-", " "])
    return f"{area:03d}{sep}{rng.randint(1, 99):02d}{sep}{rng.randint(1, 9999):04d}"


def _iban_check(country: str, bban: str) -> str:
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    return f"{98 - number % 97:02d}"


def positives(seed: int = 7, per_type: int = 300) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in PHONE_LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed + i)
    fake = fakers["en_US"]
    out: list[tuple[str, str, str]] = []

    # phones: locale formats, US with extensions, bare 10 digits after a phone keyword
    for i in range(per_type):
        loc = PHONE_LOCALES[i % len(PHONE_LOCALES)]
        number = fakers[loc].phone_number()
        if sum(c.isdigit() for c in number) < 9:
            continue  # a few locale formats are short local numbers without area code
        if i % 5 == 0:
            number = (
                f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
                f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
                f"{rng.randint(0, 9999):04d}"
            )  # bare ten digits: needs the keyword the context gives
        elif i % 7 == 0:
            number += rng.choice([" x", "x", " ext. ", " ext ", " extension ", " #"]) + str(
                rng.randint(1, 99999)
            )
        out.append((rng.choice(PHONE_CONTEXTS).format(number), "phone", number))

    for _brand, number in card_values(rng):
        shown = number if rng.random() < 0.4 else _grouped(number, rng)
        out.append((rng.choice(CARD_CONTEXTS).format(shown), "credit_card", shown))

    for _ in range(per_type):
        ssn = _ssn(rng)
        text = rng.choice(["SSN {}", "Social security number: {}.", "{} (SSN) on file"]).format(ssn)
        out.append((text, "ssn", ssn))

    for _ in range(per_type // 2):
        iban = fake.iban()
        shown = (
            " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
            if rng.random() < 0.5
            else iban
        )
        out.append((rng.choice(SENTENCES).format(f"IBAN {shown}"), "iban", shown))
    for country, length in (("DE", 22), ("FR", 27), ("NL", 18), ("ES", 24), ("IT", 27), ("BE", 16)):
        for _ in range(per_type // 12):
            if country == "NL":
                bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(4))
                bban += "".join(rng.choice(string.digits) for _ in range(10))
            elif country == "IT":
                bban = rng.choice(string.ascii_uppercase)
                bban += "".join(rng.choice(string.digits) for _ in range(22))
            else:
                bban = "".join(rng.choice(string.digits) for _ in range(length - 4))
            iban = country + _iban_check(country, bban) + bban
            out.append((rng.choice(SENTENCES).format(iban), "iban", iban))

    for _ in range(per_type):
        email = rng.choice(
            [fake.email(), fake.company_email(), fake.free_email(), fake.ascii_safe_email()]
        )
        out.append((rng.choice(SENTENCES).format(email), "email", email))

    for i in range(per_type):
        ip = fake.ipv4() if i % 2 else fake.ipv6()
        if i % 4 == 1:
            ip = fake.ipv4_private()
        out.append(
            (
                f"Login from {ip} was blocked." if i % 3 else rng.choice(SENTENCES).format(ip),
                "ip_address",
                ip,
            )
        )
    return out


def _luhn_invalid(rng: random.Random) -> str:
    brand = rng.choice(BRANDS)
    lo, hi = rng.choice(brand.ranges)
    number = _card(rng, str(rng.randint(lo, hi)).zfill(len(str(lo))), max(brand.lengths))
    wrong = number[:-1] + str((int(number[-1]) + rng.randint(1, 9)) % 10)
    assert not luhn_valid(wrong)
    return wrong


def near_misses(seed: int = 7, per_category: int = 100) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    out: list[tuple[str, str]] = []

    def add(category: str, make) -> None:
        for _ in range(per_category):
            out.append((make(), category))

    add(
        "luhn_invalid_card",
        lambda: rng.choice(CARD_CONTEXTS).format(_grouped(_luhn_invalid(rng), rng)),
    )

    def bad_ssn() -> str:
        area, group, serial = rng.randint(1, 899), rng.randint(1, 99), rng.randint(1, 9999)
        defect = rng.choice(["area000", "area666", "area9xx", "group00", "serial0000"])
        if defect == "area000":
            area = 0
        elif defect == "area666":
            area = 666
        elif defect == "area9xx":
            area = rng.randint(900, 999)
        elif defect == "group00":
            group = 0
        else:
            serial = 0
        return f"SSN {area:03d}-{group:02d}-{serial:04d} was rejected by the form."

    add("malformed_ssn", bad_ssn)

    def bad_iban() -> str:
        iban = fake.iban()
        valid = int(iban[2:4])
        wrong = rng.choice([c for c in range(2, 99) if c % 97 != valid % 97])
        return f"IBAN {iban[:2]}{wrong:02d}{iban[4:]} failed validation."

    add("iban_wrong_check", bad_iban)
    add(
        "version_number",
        lambda: rng.choice(
            [
                f"Upgraded to version {rng.randint(1, 12)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 200)} today.",
                f"Running build {rng.randint(10, 11)}.0.{rng.randint(10000, 22631)}.{rng.randint(1, 4000)}.",
                f"Requires Python {rng.randint(3, 3)}.{rng.randint(8, 13)}.{rng.randint(0, 12)} or later.",
                f"Release v{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)} is out.",
            ]
        ),
    )
    add(
        "order_id",
        lambda: rng.choice(
            [
                f"Order #{rng.randint(10**9, 10**10 - 1)} has shipped.",
                f"Your order {rng.choice('ABCDEFGH')}{rng.randint(10**7, 10**8 - 1)} is ready.",
                f"Invoice INV-{rng.randint(2020, 2026)}-{rng.randint(0, 999999):06d} is due.",
                f"Tracking number {rng.choice(['1Z', '94', '92'])}{rng.randint(10**15, 10**16 - 1)}.",
                f"Reference {rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}-{rng.randint(1000000, 9999999)}.",
                f"PO {rng.randint(10**11, 10**12 - 1)} approved.",
            ]
        ),
    )
    add(
        "timestamp",
        lambda: rng.choice(
            [
                f"Event at {fake.date_time_this_decade().isoformat()}Z was logged.",
                f"Unix time {rng.randint(1_500_000_000, 1_900_000_000)} in the header.",
                f"Created {fake.date_time_this_decade().strftime('%Y-%m-%d %H:%M:%S')} UTC.",
                f"Job id {fake.date_time_this_decade().strftime('%Y%m%d%H%M%S')} finished.",
                f"Meeting moved to {fake.date_time_this_decade().strftime('%d.%m.%Y %H:%M')}.",
            ]
        ),
    )
    add(
        "other_numbers",
        lambda: rng.choice(
            [
                f"Total due: ${rng.randint(1000, 999999):,}.{rng.randint(0, 99):02d} by Friday.",
                f"Ship to ZIP {rng.randint(10000, 99999)}-{rng.randint(1000, 9999)}.",
                f"ISBN 978-{rng.randint(0, 9)}-{rng.randint(10, 99)}-{rng.randint(100000, 999999)}-{rng.randint(0, 9)}",
                f"Device MAC {':'.join(f'{rng.randint(0, 255):02x}' for _ in range(6))} registered.",
                f"The logo file is logo@{rng.randint(2, 3)}x.png in the assets folder.",
                f"Population grew from {rng.randint(1, 9)},{rng.randint(100, 999)},{rng.randint(100, 999)} to {rng.randint(1, 9)},{rng.randint(100, 999)},{rng.randint(100, 999)}.",
                f"Coordinates {rng.uniform(-90, 90):.6f}, {rng.uniform(-180, 180):.6f}.",
                f"Train departs at {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.",
            ]
        ),
    )
    return out
