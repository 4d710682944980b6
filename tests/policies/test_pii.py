"""PII detector: generated valid identifiers are found, near misses are not, values never leak."""

from __future__ import annotations

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policies.detectors.masking import mask_pii
from policies.detectors.pii import (
    IBAN_LENGTHS,
    find_pii,
    iban_valid,
    luhn_valid,
    scan_pii,
    summarise,
)

FILLER = st.sampled_from(
    ["Please process", "Customer record:", "see attached", "Thanks,", "ref", "", "Note -", "ok"]
)


def types_of(text: str, **kw) -> list[str]:
    return [m.type for m in find_pii(text, **kw)]


def spans(text: str, pii_type: str) -> list[str]:
    return [text[m.start : m.end] for m in find_pii(text) if m.type == pii_type]


# --- SSN ------------------------------------------------------------------------------------

ssn_parts = st.tuples(
    st.integers(1, 899).filter(lambda a: a != 666),
    st.integers(1, 99),
    st.integers(1, 9999),
)


@given(ssn_parts, st.sampled_from(["-", " "]), FILLER, FILLER)
def test_generated_ssns_are_found(parts, sep, before, after):
    area, group, serial = parts
    ssn = f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"
    text = f"{before} {ssn} {after}"
    assert spans(text, "ssn") == [ssn]


@given(ssn_parts, st.sampled_from(["area000", "area666", "area9xx", "group00", "serial0000"]))
def test_invalid_ssns_are_not_found(parts, defect):
    area, group, serial = parts
    if defect == "area000":
        area = 0
    elif defect == "area666":
        area = 666
    elif defect == "area9xx":
        area = 900 + area % 100
    elif defect == "group00":
        group = 0
    else:
        serial = 0
    assert "ssn" not in types_of(f"SSN {area:03d}-{group:02d}-{serial:04d}")


def test_bare_nine_digits_need_a_keyword():
    assert "ssn" not in types_of("order 123456789 shipped")
    assert types_of("SSN: 123456789") == ["ssn"]
    assert types_of("123456789", key="customer_ssn") == ["ssn"]


# --- credit cards -----------------------------------------------------------------------------


def luhn_complete(prefix_and_body: str) -> str:
    for check in string.digits:
        if luhn_valid(prefix_and_body + check):
            return prefix_and_body + check
    raise AssertionError("unreachable")


card_prefixes = st.sampled_from(
    [("4", 16), ("4", 13), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15),
     ("37", 15), ("6011", 16), ("65", 16), ("36", 14), ("3528", 16), ("3589", 15), ("4", 19),
     ("62", 17), ("5018", 19), ("6759", 13), ("2200", 16)]
)  # fmt: skip


@st.composite
def cards(draw):
    prefix, length = draw(card_prefixes)
    body = draw(
        st.text(string.digits, min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)
    )
    return luhn_complete(prefix + body)


def grouped(number: str, sep: str) -> str:
    if len(number) == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


@given(cards(), st.sampled_from(["", " ", "-"]), FILLER)
def test_luhn_valid_cards_are_found(number, sep, before):
    shown = grouped(number, sep) if sep else number
    text = f"{before} card {shown}, exp 12/29"
    assert spans(text, "credit_card") == [shown]


@given(cards(), st.integers(1, 9))
def test_cards_with_a_wrong_check_digit_are_not_found(number, delta):
    wrong = number[:-1] + str((int(number[-1]) + delta) % 10)
    assert not luhn_valid(wrong)
    assert "credit_card" not in types_of(f"card {wrong}")
    assert "credit_card" not in types_of(f"card {grouped(wrong, ' ')}")


def test_card_number_as_json_number_is_found():
    findings = scan_pii({"payment": {"card": 4111111111111111}}, location="input")
    assert [(f.type, f.path) for f in findings] == [("credit_card", "$.payment.card")]


def test_long_digit_strings_that_are_not_cards():
    assert "credit_card" not in types_of("tracking 00000000000000000")  # zero-led, no issuer
    assert "credit_card" not in types_of("id 41111111111111111111111")  # too long


# --- IBAN -----------------------------------------------------------------------------------

IBAN_FORMATS = {  # country: BBAN alphabet per position group
    "DE": [(string.digits, 18)],
    "GB": [(string.ascii_uppercase, 4), (string.digits, 14)],
    "FR": [(string.digits, 23)],
    "NL": [(string.ascii_uppercase, 4), (string.digits, 10)],
    "ES": [(string.digits, 20)],
    "BE": [(string.digits, 12)],
    "CH": [(string.digits, 17)],
}


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{98 - number % 97:02d}"


@st.composite
def ibans(draw):
    country = draw(st.sampled_from(sorted(IBAN_FORMATS)))
    bban = "".join(
        draw(st.text(alphabet, min_size=n, max_size=n)) for alphabet, n in IBAN_FORMATS[country]
    )
    iban = country + iban_check_digits(country, bban) + bban
    assert len(iban) == IBAN_LENGTHS[country]
    return iban


@given(ibans(), st.booleans(), FILLER)
def test_valid_ibans_are_found(iban, spaced, before):
    assert iban_valid(iban)
    shown = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if spaced else iban
    text = f"{before} IBAN {shown} please"
    assert spans(text, "iban") == [shown]


@given(ibans(), st.integers(1, 96))
def test_ibans_with_wrong_check_digits_are_not_found(iban, delta):
    check = (int(iban[2:4]) + delta) % 97
    assume(check >= 2)
    wrong = iban[:2] + f"{check:02d}" + iban[4:]
    assume(not iban_valid(wrong))
    assert "iban" not in types_of(f"IBAN {wrong}")


def test_iban_wrong_length_for_country():
    assert not iban_valid("DE89370400440532013000" + "1")
    assert "iban" not in types_of("XX89 3704 0044 0532 0130 00")


# --- other types ------------------------------------------------------------------------------


def test_emails():
    text = "mail jane.doe+tag@mail.example.co.uk or bob@example.com."
    assert spans(text, "email") == ["jane.doe+tag@mail.example.co.uk", "bob@example.com"]
    assert "email" not in types_of("not an email: foo@bar or @handle")


def test_phones():
    for phone in ["(415) 555-2671", "+1 415 555 2671", "415-555-2671", "+44 20 7946 0958", "+33 6 12 34 56 78", "020 7946 0958"]:  # fmt: skip
        assert spans(f"call {phone} today", "phone") == [phone], phone
    assert "phone" not in types_of("version 1.2.3, 12 items, 2024-01-05")
    assert "phone" not in types_of("call 023-456-7890")  # no area code starts with 0
    for phone in ["(909)451-3674x3081", "145.550.7309", "+1-909-451-3674 ext. 12", "001-726-119-7278x179"]:  # fmt: skip
        assert spans(f"ring {phone} now", "phone") == [phone], phone
    assert spans("call me on 9094513674", "phone") == ["9094513674"]  # bare: the keyword says so
    assert "phone" not in types_of("order 9094513674 shipped")


def test_ip_addresses():
    assert spans("from 192.168.1.20 and 2001:db8::1 ok", "ip_address") == [
        "192.168.1.20",
        "2001:db8::1",
    ]
    assert "ip_address" not in types_of("999.1.1.1 and 12:30:45 and std::vector")


def test_passports_need_context():
    assert spans("passport number: 340020013", "us_passport") == ["340020013"]
    assert spans("Passport A12345678 issued", "us_passport") == ["A12345678"]
    assert "us_passport" not in types_of("invoice A12345678")


def test_dates_of_birth_need_context_and_a_real_date():
    assert spans("DOB: 12/03/1985", "date_of_birth") == ["12/03/1985"]
    assert spans("born on March 5, 1990 in Lyon", "date_of_birth") == ["March 5, 1990"]
    assert spans("date of birth 1985-02-28", "date_of_birth") == ["1985-02-28"]
    assert "date_of_birth" not in types_of("meeting on 12/03/1985")
    assert "date_of_birth" not in types_of("DOB: 1985-02-30")  # no such day
    findings = scan_pii({"patient": {"dob": "1985-03-12"}}, location="output")
    assert [(f.type, f.location, f.path) for f in findings] == [
        ("date_of_birth", "output", "$.patient.dob")
    ]


def test_findings_carry_location_and_path_never_the_value():
    payload = {"to": ["a@example.com"], "body": "SSN 123-45-6789", "weird key": "b@example.com"}
    summary = summarise(scan_pii(payload, location="input"))
    assert summary == {
        "email": [
            {"location": "input", "path": "$.to[0]"},
            {"location": "input", "path": '$["weird key"]'},
        ],
        "ssn": [{"location": "input", "path": "$.body"}],
    }
    assert "123-45-6789" not in repr(summary) and "a@example.com" not in repr(summary)


def test_type_filter():
    assert types_of("a@b.co 123-45-6789", types=("ssn",)) == ["ssn"]


def test_mask_pii_masks_nested_json_without_touching_the_original():
    payload = {
        "user": {"email": "jane@example.com", "card": 4111111111111111, "note": "SSN 123-45-6789!"},
        "n": 3,
    }
    masked = mask_pii(payload)
    assert masked == {
        "user": {"email": "[EMAIL]", "card": "[CREDIT_CARD]", "note": "SSN [SSN]!"},
        "n": 3,
    }
    assert payload["user"]["email"] == "jane@example.com"
    assert mask_pii(payload, placeholder=lambda t: "***")["user"]["email"] == "***"


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_never_crashes_and_spans_are_in_bounds(text):
    for m in find_pii(text):
        assert 0 <= m.start < m.end <= len(text)
