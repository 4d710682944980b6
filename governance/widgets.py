"""Form widgets shared by the site's pages (the dashboard, the privacy pages, the wizard).

Dates and times are typed and shown as every page writes them (config/formats/en/formats.py):
``2026-12-05``, ``22:47``. The browser's own ``<input type="date">`` and ``type="time"`` show
them in the browser's locale instead (``12/05/2026``, ``10:47 PM`` in an American Chromium),
beside a console that writes ISO dates (session 24's walk)."""

from __future__ import annotations

from django import forms

# No ``pattern`` attribute: the browser would refuse the form with its own vague words ("Please
# match the requested format"); the server's error says what it wants ("Enter a date as
# YYYY-MM-DD"). No ``inputmode="numeric"``: a phone's number pad has no "-" or ":".


class IsoDateInput(forms.DateInput):
    """A text field in YYYY-MM-DD with a calendar button (static/console/dates.js): the
    calendar is the browser's own, but what it picks is written in the field as ISO."""

    template_name = "governance/widgets/iso_date.html"

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "YYYY-MM-DD",
            "maxlength": 10,
            "size": 10,
            "autocomplete": "off",
        }
        super().__init__({**defaults, **(attrs or {})}, format="%Y-%m-%d")


def time_attrs() -> dict:
    """A 24-hour time typed as HH:MM (a text field: the browser's time picker shows AM/PM)."""
    return {
        "placeholder": "HH:MM",
        "maxlength": 5,
        "size": 5,
        "autocomplete": "off",
    }
