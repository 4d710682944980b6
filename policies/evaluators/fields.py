"""Field types shared by the policy settings schemas (``policies.evaluators.settings``).

Each is a pydantic ``Annotated`` type that validates strictly with our own messages
(they name the problem in plain words; the error translator adds the key), normalises
the value the way stored policies have always been written (decimals as strings, lists
stripped and de-duplicated) and describes itself in JSON Schema for the wizard's forms
and the OpenAPI contract. ``x-widget`` tells a form generator which control to draw.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_AMOUNT = Decimal("1000000000000")
MONEY_PLACES = 8
MAX_LIST = 500

# Where a form groups a field; "approval" fields matter only in require_approval mode.
GROUP_APPROVAL = "approval"


def invalid(message: str, *, field: str | None = None) -> PydanticCustomError:
    """A validation error whose message is shown as it is (the translator adds the key).

    ``field`` names the key for a cross-field check, which pydantic reports on the model.
    """
    return PydanticCustomError("execlave", "{message}", {"message": message, "field": field})


def widget(name: str, **extra: Any) -> dict[str, Any]:
    """The ``json_schema_extra`` of a field: which form control draws it, and its hints."""
    return {"x-widget": name, **{f"x-{k.replace('_', '-')}": v for k, v in extra.items()}}


# --- money ---------------------------------------------------------------------------------------

_MONEY_TEXT = re.compile(r"[0-9]{1,13}(?:\.[0-9]{1,8})?")
_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)


def _money(*, allow_zero: bool) -> Callable[[Any], Decimal]:
    message = "must be a non-negative decimal" if allow_zero else "must be a positive decimal"

    def check(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise invalid(message)
        if isinstance(value, str):
            text = value.strip()
            if not _MONEY_TEXT.fullmatch(text):
                if re.fullmatch(r"[0-9]+\.[0-9]{9,}", text):
                    raise invalid(f"must have at most {MONEY_PLACES} decimal places")
                raise invalid(message)
            number = Decimal(text)
        else:
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                raise invalid(message) from None
            if not number.is_finite():
                raise invalid(message)
            exponent = number.as_tuple().exponent
            if isinstance(value, float) and exponent < -MONEY_PLACES:  # type: ignore[operator]
                # a binary float's noise past our precision is not the user's intent
                number = number.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
        if number < 0 or (number == 0 and not allow_zero):
            raise invalid(message)
        if number > MAX_AMOUNT:
            raise invalid(f"must be at most {MAX_AMOUNT}")
        if number.as_tuple().exponent < -MONEY_PLACES:  # type: ignore[operator]
            raise invalid(f"must have at most {MONEY_PLACES} decimal places")
        return number

    return check


def _money_schema(*, allow_zero: bool) -> dict[str, Any]:
    low = {"minimum": 0} if allow_zero else {"minimum": float(_QUANTUM)}
    return {
        "anyOf": [
            {"type": "number", **low, "maximum": float(MAX_AMOUNT)},
            {"type": "string", "pattern": r"^[0-9]{1,13}(\.[0-9]{1,8})?$"},
        ],
        "x-widget": "money",
        "x-currency": "organisation",
    }


def _money_text(value: Decimal) -> str:
    return format(value, "f")


# Decimal amounts in the organisation's currency, stored as strings ("0.50").
Money = Annotated[
    Decimal,
    BeforeValidator(_money(allow_zero=False)),
    PlainSerializer(_money_text, return_type=str),
    WithJsonSchema(_money_schema(allow_zero=False)),
]
MoneyOrZero = Annotated[
    Decimal,
    BeforeValidator(_money(allow_zero=True)),
    PlainSerializer(_money_text, return_type=str),
    WithJsonSchema(_money_schema(allow_zero=True)),
]


# --- numbers -------------------------------------------------------------------------------------


def whole_number(minimum: int, maximum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid("must be a whole number")
        if value < minimum:
            raise invalid(f"must be at least {minimum}")
        if value > maximum:
            raise invalid(f"must be at most {maximum}")
        return value

    return check


def Whole(minimum: int, maximum: int, **schema: Any) -> Any:  # noqa: N802 - a type factory
    """A whole number in [minimum, maximum]; ``2.0`` is taken as 2."""
    return Annotated[
        int,
        BeforeValidator(whole_number(minimum, maximum)),
        WithJsonSchema({"type": "integer", "minimum": minimum, "maximum": maximum, **schema}),
    ]


def real_number(minimum: float, maximum: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid("must be a number")
        if value != value or value in (float("inf"), float("-inf")):
            raise invalid("must be a finite number")
        if value < minimum:
            raise invalid(f"must be at least {minimum:g}")
        if value > maximum:
            raise invalid(f"must be at most {maximum:g}")
        return value

    return check


def Real(minimum: float, maximum: float, **schema: Any) -> Any:  # noqa: N802 - a type factory
    """A finite number in [minimum, maximum] (whole numbers stay whole in the stored JSON)."""
    return Annotated[
        int | float,
        BeforeValidator(real_number(minimum, maximum)),
        WithJsonSchema({"type": "number", "minimum": minimum, "maximum": maximum, **schema}),
    ]


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise invalid("must be true or false")
    return value


Flag = Annotated[bool, BeforeValidator(_boolean), WithJsonSchema({"type": "boolean"})]


# --- text ----------------------------------------------------------------------------------------


def choice_check(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise invalid(f"must be one of: {', '.join(choices)}")
        return value

    return check


def Choice(choices: tuple[str, ...], **schema: Any) -> Any:  # noqa: N802 - a type factory
    """One of ``choices`` exactly (an ``enum`` in the schema; a select or radio in a form)."""
    return Annotated[
        str,
        BeforeValidator(choice_check(choices)),
        WithJsonSchema({"type": "string", "enum": list(choices), **schema}),
    ]


def text_check(
    max_length: int, check: Callable[[str], str | None] | None = None
) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise invalid("must be a non-empty string")
        if len(value) > max_length:
            raise invalid(f"must be at most {max_length} characters")
        value = value.strip()
        message = check(value) if check else None
        if message:
            raise invalid(message)
        return value

    return validate


def Text(max_length: int, check: Callable[[str], str | None] | None = None, **schema: Any) -> Any:  # noqa: N802
    """A non-blank string, stripped, at most ``max_length`` characters, optionally checked."""
    return Annotated[
        str,
        BeforeValidator(text_check(max_length, check)),
        WithJsonSchema(
            {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": r"\S", **schema}
        ),
    ]


def _list_shape(max_items: int, non_empty: bool) -> Callable[[Any], list[Any]]:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise invalid("must be a list of strings")
        if non_empty and not value:
            raise invalid("must not be empty")
        if len(value) > max_items:
            raise invalid(f"must have at most {max_items} items")
        return value

    return check


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _item_check(
    *,
    max_length: int,
    choices: tuple[str, ...] | None,
    check: Callable[[str], str | None] | None,
    transform: Callable[[str], str] | None,
) -> Callable[[Any], str]:
    def validate(item: Any) -> str:
        if not isinstance(item, str) or not item.strip():
            raise invalid("must be a non-empty string")
        item = item.strip()
        if transform:
            item = transform(item)
        if len(item) > max_length:
            raise invalid(f"must be at most {max_length} characters")
        if choices is not None and item not in choices:
            raise invalid(f"'{item}' is not one of: {', '.join(choices)}")
        if check and (message := check(item)):
            raise invalid(message)
        return item

    return validate


def StringList(  # noqa: N802 - a type factory
    *,
    max_items: int = MAX_LIST,
    max_length: int = 200,
    non_empty: bool = False,
    choices: tuple[str, ...] | None = None,
    check: Callable[[str], str | None] | None = None,
    transform: Callable[[str], str] | None = None,
    item_schema: dict[str, Any] | None = None,
) -> Any:
    """A list of non-blank strings, each stripped (and transformed), checked and de-duplicated.

    Every bad item is reported under its own key (``denied_pii_types[1]``).
    """
    if choices is not None:
        items: dict[str, Any] = {"type": "string", "enum": list(choices)}
    else:
        items = {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": r"\S"}
    items.update(item_schema or {})
    list_schema: dict[str, Any] = {"type": "array", "items": items, "maxItems": max_items}
    if non_empty:
        list_schema["minItems"] = 1
    if choices is not None:
        list_schema["uniqueItems"] = True
    item = Annotated[
        str,
        BeforeValidator(
            _item_check(max_length=max_length, choices=choices, check=check, transform=transform)
        ),
    ]
    return Annotated[
        list[item],  # type: ignore[valid-type]
        BeforeValidator(_list_shape(max_items, non_empty)),
        AfterValidator(_unique),
        WithJsonSchema(list_schema),
    ]


# --- checks used by several types ----------------------------------------------------------------


def hhmm_error(value: str) -> str | None:
    if value == "24:00":
        return None
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        return "must be a time as HH:MM"
    if int(parts[0]) > 23 or int(parts[1]) > 59:
        return "must be a time between 00:00 and 24:00"
    return None


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_EMAIL = re.compile(EMAIL_PATTERN)


def email_error(value: str) -> str | None:
    return None if _EMAIL.match(value) else "is not an e-mail address"


@functools.cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def timezone_error(value: str) -> str | None:
    if value not in time_zones():
        return "is not a known time zone (use an IANA name such as Europe/Paris)"
    return None


TimeZone = Annotated[
    str,
    BeforeValidator(text_check(64, timezone_error)),
    WithJsonSchema({"type": "string", "enum": list(time_zones()), "x-widget": "timezone"}),
    Field(
        title="Time zone",
        description="The IANA time zone that times and periods are counted in.",
        examples=["Europe/Paris"],
    ),
]
