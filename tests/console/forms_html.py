"""What a browser would submit for a form on a page: the successful controls of
``<form id=...>`` (checked boxes, selected options, text), ignoring ``<template>`` contents and
buttons. Lets a test post back exactly what an edit page shows."""

from __future__ import annotations

from html.parser import HTMLParser

_TEXT_INPUTS = {"text", "hidden", "time", "number", "email", "search", "url", "tel", "date", ""}


class _FormParser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.template = 0
        self.pairs: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.template += 1
        if self.template or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
            elif kind in _TEXT_INPUTS:
                self.pairs.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "template":
            self.template -= 1
        elif tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.pairs.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value = self._option["value"]
            text = value if value is not None else self._option["text"]
            self._options.append((text, self._option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and self._options:
                chosen = [self._options[0][0]]  # a single select submits its first option
            self.pairs.extend((self._select, v) for v in chosen)
            self._select = None


def form_values(page: str, form_id: str) -> dict[str, list[str]]:
    """The form's submission as ``{name: [values]}`` (the shape Django's test client posts)."""
    parser = _FormParser(form_id)
    parser.feed(page)
    values: dict[str, list[str]] = {}
    for name, value in parser.pairs:
        values.setdefault(name, []).append(value)
    return values
