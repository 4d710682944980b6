"""One way to write a date and a time on every page: ISO-like and 24-hour ("2026-12-05 22:47",
"… 22:47 UTC" where the zone matters). Session 23's walk-through found the admin's lists in
Django's en-gb formats ("5 Dec 2026, 10:47 p.m.") beside the dashboard's "5 Dec 2026 22:47".
The formats are config/formats/en/formats.py; templates that format a date themselves use the
same letters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.utils import formats, timezone

from console.services import integrity_check_request
from governance import services
from tests.approvals.helpers import grant, pause
from tests.factories import append_completion

pytestmark = pytest.mark.django_db

ISO_MINUTE = r"\d{4}-\d\d-\d\d \d\d:\d\d"
TWELVE_HOUR = re.compile(r"\d(\s|&nbsp;)?(a\.m\.|p\.m\.|AM|PM)\b|\bmidnight\b|\bnoon\b")
# Letters of Django's date filter that write a month's name, a 12-hour clock or a.m./p.m.
NOT_OURS = set("bDEFMNPAaghl")


def test_the_formats_are_iso_like_and_24_hour():
    moment = datetime(2026, 12, 5, 22, 47, 3, tzinfo=UTC)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "2026-12-05 22:47"
    assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-12-05 22:47"
    assert formats.date_format(moment, "DATE_FORMAT") == "2026-12-05"
    assert formats.time_format(moment, "TIME_FORMAT") == "22:47"
    assert formats.localize(moment) == "2026-12-05 22:47"
    # A form shows a value in its first input format: the admin's date fields read 2026-12-05.
    assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"


def test_no_template_writes_a_date_its_own_way():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    found = []
    for root in roots:
        for template in root.rglob("*.html"):
            for fmt in re.findall(r"""\|date:["']([^"']+)["']""", template.read_text()):
                if fmt != "c" and set(fmt) & NOT_OURS:
                    found.append(f"{template.relative_to(settings.BASE_DIR)}: {fmt}")
    assert found == []


def test_the_admin_and_the_dashboard_write_times_alike(client, org, agent, owner):
    acted = timezone.now() - timedelta(hours=3)
    append_completion(org, agent, occurred_at=acted)
    integrity_check_request(organisation=org, actor=owner)  # the dashboard says when
    services.api_key_create(organisation=org, name="k", actor=owner, scopes=["read"])
    client.force_login(owner)
    pages = {
        "/admin/traces/ledgerentry/": f"{timezone.localtime(acted):%Y-%m-%d %H:%M}",
        "/admin/governance/auditlog/": ISO_MINUTE,
        "/admin/governance/apikey/": ISO_MINUTE,
        "/admin/governance/agent/": ISO_MINUTE,
        "/": ISO_MINUTE + " UTC",  # when the ledger's verification started
    }
    for url, expected in pages.items():
        html = client.get(url, follow=True).content.decode()
        assert re.search(expected, html), (url, expected)
        assert not TWELVE_HOUR.search(html), (url, TWELVE_HOUR.search(html).group(0))
    # In a narrow tile the time wrapped inside its date ("2026-/12-05"): a <time> keeps it whole.
    dashboard = client.get("/").content.decode()
    assert re.search(
        r'verification started <time datetime="[^"]+" title="[^"]+">' + ISO_MINUTE + " UTC</time>",
        dashboard,
    )
    css = (Path(settings.BASE_DIR) / "static" / "execlave.css").read_text()
    assert "time { white-space:nowrap; }" in css
    add = client.get("/admin/compliance/report/add/").content.decode()
    assert re.search(r'name="period_start_0"[^>]*value="\d{4}-\d\d-\d\d"', add)


def test_the_queue_says_the_zone_of_its_times(client, org, agent, reviewer):
    grant(agent, reviewer)
    approval = pause(org, agent)
    client.force_login(reviewer)
    html = client.get("/approvals/").content.decode()
    when = timezone.localtime(approval.requested_at)
    assert (
        f'Requested <time class="when" datetime="{when.isoformat()}" '
        f'title="{when:%Y-%m-%d %H:%M:%S.%f} UTC">{when:%Y-%m-%d %H:%M:%S} UTC</time>'
    ) in html
    assert not TWELVE_HOUR.search(html)


def test_one_tag_writes_every_time_element():
    """{% moment %} (governance/templatetags/moments.py) is the one way a page writes a <time>:
    its text in the formats above, the machine value in datetime, the whole timestamp as title."""
    moment = datetime(2026, 12, 5, 22, 47, 3, 123456, tzinfo=UTC)
    iso, full = moment.isoformat(), "2026-12-05 22:47:03.123456 UTC"

    def render(args):
        return Template("{% load moments %}{% moment when " + args + " %}").render(
            Context({"when": moment})
        )

    assert render("") == f'<time datetime="{iso}" title="{full}">2026-12-05 22:47</time>'
    assert (
        render("zone=True") == f'<time datetime="{iso}" title="{full}">2026-12-05 22:47 UTC</time>'
    )
    assert render('seconds=True zone=True class="when"') == (
        f'<time class="when" datetime="{iso}" title="{full}">2026-12-05 22:47:03 UTC</time>'
    )
    assert render("day=False seconds=True") == (
        f'<time datetime="{iso}" title="{full}">22:47:03</time>'
    )
    # The ledger list's narrow columns break between the date and the time, never inside the date.
    assert render("wrap=True") == (
        f'<time datetime="{iso}" title="{full}"><span class="day">2026-12-05</span> 22:47</time>'
    )
    assert Template("{% load moments %}{% moment None %}").render(Context()) == "-"
    with pytest.raises(TemplateSyntaxError):
        render('klass="when"')
    # No template writes a <time> by hand any more.
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    by_hand = [
        str(t.relative_to(settings.BASE_DIR))
        for root in roots
        for t in root.rglob("*.html")
        if "<time" in t.read_text()
    ]
    assert by_hand == []


def test_the_ledger_list_writes_its_times_with_the_tag(client, org, agent, owner):
    acted = datetime(2026, 12, 5, 22, 47, 3, tzinfo=UTC)
    append_completion(org, agent, occurred_at=acted)
    client.force_login(owner)
    html = client.get("/admin/traces/ledgerentry/").content.decode()
    assert (
        f'<time datetime="{acted.isoformat()}" title="2026-12-05 22:47:03.000000 UTC">'
        '<span class="day">2026-12-05</span> 22:47</time>'
    ) in html
