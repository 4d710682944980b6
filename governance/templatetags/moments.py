"""A date and time as every page writes it: ``{% moment value %}``.

One ``<time>`` element instead of a hand-written copy per template (session 23 had eleven, and
the ledger list its own): the visible text in the ISO-like 24-hour formats of
config/formats/en/formats.py ("2026-12-05 22:47"), the machine-readable ``datetime`` attribute
and, as the title a pointer shows, the whole timestamp to the microsecond with its zone.

``{% moment a.requested_at seconds=True zone=True class="when" %}`` writes
``<time class="when" datetime="2026-12-05T22:47:03.123456+00:00"
title="2026-12-05 22:47:03.123456 UTC">2026-12-05 22:47:03 UTC</time>``.

- ``seconds``: the time to the second (an approval, an arrival), not the minute;
- ``zone``: the zone's name after the time (where a time stands alone, not under a column
  header that says it);
- ``day=False``: the time only (a decision listed under the approval that gives the day);
- ``wrap``: the date in a ``<span class="day">`` so that a narrow column (the ledger list) breaks
  the line between the date and the time, never inside the date;
- ``class``: the element's class.

``None`` writes ``empty`` (default "-").
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as dateformat
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def moment_html(
    value: datetime | None,
    *,
    seconds: bool = False,
    zone: bool = False,
    day: bool = True,
    wrap: bool = False,
    css_class: str = "",
    empty: str = "-",
) -> SafeString:
    """The ``<time>`` element for ``value`` (see the module's docstring)."""
    if value is None:
        return format_html("{}", empty)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = time_format(local, "TIME_FORMAT")
    if seconds:
        clock += dateformat(local, ":s")
    if zone:
        clock += " " + dateformat(local, "T")
    date = date_format(local, "DATE_FORMAT")
    if not day:
        text = format_html("{}", clock)
    elif wrap:
        text = format_html('<span class="day">{}</span> {}', date, clock)
    else:
        text = format_html("{} {}", date, clock)
    full = local.strftime("%Y-%m-%d %H:%M:%S.%f")
    if timezone.is_aware(local):
        full += " " + dateformat(local, "T")
    class_attr = format_html(' class="{}"', css_class) if css_class else ""
    return format_html(
        '<time{} datetime="{}" title="{}">{}</time>',
        mark_safe(class_attr),  # noqa: S308 - built by format_html above
        local.isoformat(),
        full,
        text,
    )


@register.simple_tag(name="moment")
def moment_tag(value, seconds=False, zone=False, day=True, wrap=False, empty="-", **attrs):
    """``{% moment value seconds=True zone=True class="when" %}``."""
    unknown = set(attrs) - {"class"}
    if unknown:
        raise template.TemplateSyntaxError(f"moment takes no {', '.join(sorted(unknown))}")
    return moment_html(
        value,
        seconds=bool(seconds),
        zone=bool(zone),
        day=bool(day),
        wrap=bool(wrap),
        css_class=attrs.get("class", ""),
        empty=empty,
    )
