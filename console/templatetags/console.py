from django import template

register = template.Library()


@register.filter
def money(value):
    """A decimal amount with two places (budgets are stored with eight)."""
    try:
        return f"{value:,.2f}"
    except (TypeError, ValueError):
        return value


@register.filter
def duration(seconds):
    """ "59 min 12 s", each number glued to its unit by a no-break space: a narrow dashboard
    tile wrapped "59 min 12" and left a lone "s" on the next line."""
    if seconds is None:
        return "—"
    seconds = int(seconds)
    if seconds < 60:
        parts = [(seconds, "s")]
    elif seconds < 3600:
        parts = [(seconds // 60, "min"), (f"{seconds % 60:02d}", "s")]
    elif seconds < 86400:
        parts = [(seconds // 3600, "h"), (f"{seconds % 3600 // 60:02d}", "min")]
    else:
        parts = [(seconds // 86400, "d"), (seconds % 86400 // 3600, "h")]
    return " ".join(f"{n}\u00a0{unit}" for n, unit in parts)


@register.filter
def pretty_json(value):
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)
