"""The /privacy/ screens over real HTTP: roles, tenancy on every URL, forms and actions."""

import io
import json
import re
import zipfile

import pytest
from django.urls import reverse

from governance import services as gov
from governance.models import AuditLog, DataSubjectRequest
from privacy import services as privacy
from traces.models import LedgerEntry
from traces.verification import ledger_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def dsr(org, owner, append, agent):
    append(org, agent=agent, input={"to": "ann@x.com", "body": "Hi Ann"})
    append(org, agent=agent, input={"to": "joann@x.com"})
    return gov.data_subject_request_create(
        organisation=org,
        kind="erasure",
        actor=owner,
        identifiers=[{"type": "email", "value": "ann@x.com"}],
    )


def _urls(dsr, bundle_pk=None, member_pk=None):
    urls = [
        ("get", reverse("privacy:requests")),
        ("get", reverse("privacy:request", args=[dsr.pk])),
        ("get", reverse("privacy:request-matches", args=[dsr.pk])),
        ("get", reverse("privacy:erasure-preview", args=[dsr.pk])),
        ("post", reverse("privacy:request-act", args=[dsr.pk, "note"])),
        ("get", reverse("privacy:certificate", args=[dsr.pk])),
        ("get", reverse("privacy:request-new")),
        ("get", reverse("privacy:members")),
    ]
    if bundle_pk:
        urls.append(("get", reverse("privacy:bundle-download", args=[bundle_pk])))
    if member_pk:
        urls += [
            ("get", reverse("privacy:member-export", args=[member_pk])),
            ("post", reverse("privacy:member-erase", args=[member_pk])),
        ]
    return urls


def test_other_organisations_and_lesser_roles_get_404_everywhere(
    client, dsr, org, owner, outsider, reviewer, developer, admin_user, file_request
):
    access = file_request("access", identifiers=[{"type": "email", "value": "ann@x.com"}])
    bundle = privacy.dsr_bundle_create(request=access, actor=owner)
    own_pages = {reverse(n) for n in ("privacy:requests", "privacy:request-new", "privacy:members")}
    for user in (outsider, reviewer, developer):
        client.force_login(user)
        for method, url in _urls(dsr, bundle.pk, admin_user.pk):
            response = getattr(client, method)(url, {"text": "x", "confirm": "on"})
            if user == outsider and url in own_pages:  # their own organisation's pages
                assert response.status_code == 200
                assert b"DSR-0" not in response.content and b"adam@" not in response.content
                continue
            assert response.status_code == 404, (user, url, response.status_code)
    assert DataSubjectRequest.objects.get(pk=dsr.pk).notes == ""
    assert not AuditLog.objects.filter(action__in=["member.erased", "dsr.bundle_downloaded"])


def test_compliance_officers_read_but_do_not_act(client, dsr, compliance_officer, owner):
    client.force_login(compliance_officer)
    page = client.get(reverse("privacy:request", args=[dsr.pk]))
    assert page.status_code == 200 and b"DSR-" in page.content
    assert b"Actions" not in page.content
    assert client.get(reverse("privacy:requests")).status_code == 200
    matches = client.get(reverse("privacy:request-matches", args=[dsr.pk]))
    assert b"1</strong> ledger entry" in matches.content
    for method, url in [
        ("get", reverse("privacy:request-new")),
        ("get", reverse("privacy:erasure-preview", args=[dsr.pk])),
        ("post", reverse("privacy:request-act", args=[dsr.pk, "note"])),
        ("get", reverse("privacy:members")),
    ]:
        assert getattr(client, method)(url, {"text": "x"}).status_code == 404


def test_intake_form_files_a_request_and_shows_errors(client, owner, org):
    client.force_login(owner)
    bad = client.post(
        reverse("privacy:request-new"),
        {"kind": "erasure", "jurisdiction": "gdpr", "emails": "not-an-email", "other": "novalue"},
    )
    assert bad.status_code == 200
    assert b"not an e-mail address" in bad.content or b"name = value" in bad.content
    assert not DataSubjectRequest.objects.exists()
    ok = client.post(
        reverse("privacy:request-new"),
        {
            "kind": "access",
            "jurisdiction": "ccpa",
            "emails": "Ann@X.com\nann.b@x.com",
            "phones": "(909) 451-3674",
            "customer_ids": "C-1001",
            "other": "loyalty = LN-55512",
        },
    )
    dsr = DataSubjectRequest.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("privacy:request", args=[dsr.pk])
    assert dsr.jurisdiction == "ccpa" and dsr.handled_by == owner
    assert [i["normalised"] for i in dsr.identifiers] == [
        "ann@x.com",
        "ann.b@x.com",
        "+19094513674",
        "C-1001",
        "LN-55512",
    ]
    assert (dsr.due_at - dsr.received_at).days == 45


def test_erasure_from_preview_to_certificate_over_http(client, dsr, owner, org):
    client.force_login(owner)
    act = lambda name, data: client.post(  # noqa: E731
        reverse("privacy:request-act", args=[dsr.pk, name]),
        {f"{name}-{k}": v for k, v in data.items()},
        HTTP_HX_REQUEST="true",
    )
    early = act("erase", {"confirm": "on"})
    assert early.status_code == 409  # identity not verified yet
    assert act("verify", {"how": "Called back on the number on file"}).status_code == 204
    preview = client.get(reverse("privacy:erasure-preview", args=[dsr.pk]))
    assert b"<code>input.to</code>" in preview.content and b"joann" not in preview.content
    unconfirmed = act("erase", {})
    assert unconfirmed.status_code == 422 and b"Tick the box" in unconfirmed.content
    done = act("erase", {"confirm": "on"})
    assert done.status_code == 204 and done["HX-Redirect"].endswith(f"/{dsr.pk}/")
    dsr.refresh_from_db()
    assert dsr.status == "completed"
    page = client.get(reverse("privacy:request", args=[dsr.pk]))
    assert b"1</strong> value erased" in page.content and b"intact" in page.content
    pdf = client.get(reverse("privacy:certificate", args=[dsr.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    entries = {e.input["to"] for e in LedgerEntry.objects.filter(organisation=org)}
    assert entries == {"[erased]", "joann@x.com"}
    assert ledger_verify(organisation=org).ok


def test_the_request_page_keeps_asking_for_the_identity_check_after_work_started(
    client, dsr, owner
):
    """Starting work first used to take "Verify the subject's identity" off the page and offer
    the erasure instead; the check stays until it is made, and only then can the subject's
    request be fulfilled."""
    client.force_login(owner)
    page = lambda: client.get(reverse("privacy:request", args=[dsr.pk])).content.decode()  # noqa: E731
    act = lambda name, data: client.post(  # noqa: E731
        reverse("privacy:request-act", args=[dsr.pk, name]),
        {f"{name}-{k}": v for k, v in data.items()},
        HTTP_HX_REQUEST="true",
    )
    assert act("start", {}).status_code == 204
    started = page()
    assert (
        "Verify the subject&#x27;s identity" in started
        or "Verify the subject's identity" in started
    )
    assert "action-erase" not in started
    assert act("erase", {"confirm": "on"}).status_code == 409
    assert act("verify", {"how": "Called back on the number on file"}).status_code == 204
    verified = page()
    assert "action-verify" not in verified and "action-erase" in verified
    dsr.refresh_from_db()
    assert dsr.status == "in_progress" and dsr.identity_verified_at is not None


def test_bundle_download_over_http_is_audited(client, owner, org, append, file_request):
    append(org, input={"to": "ann@x.com"})
    access = file_request("portability", identifiers=[{"type": "email", "value": "ann@x.com"}])
    client.force_login(owner)
    response = client.post(reverse("privacy:request-act", args=[access.pk, "bundle"]))
    assert response.status_code == 302
    from privacy.models import Bundle

    bundle = Bundle.objects.get(request=access)
    download = client.get(reverse("privacy:bundle-download", args=[bundle.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert json.loads(archive.read("manifest.json"))["entries"] == 1
    assert AuditLog.objects.filter(action="dsr.bundle_downloaded").count() == 1


def test_list_flags_overdue_requests(client, owner, org):
    from datetime import timedelta

    from django.utils import timezone

    gov.data_subject_request_create(
        organisation=org,
        kind="access",
        actor=owner,
        subject="late@x.com",
        received_at=timezone.now() - timedelta(days=40),
    )
    client.force_login(owner)
    page = client.get(reverse("privacy:requests") + "?show=overdue")
    assert b"late@x.com" in page.content and b"Overdue \xc2\xb7" in page.content


def test_members_data_export_and_erase(client, owner, admin_user, developer, org):
    gov.agent_create(organisation=org, name="dev-bot", actor=developer) if hasattr(
        gov, "agent_create"
    ) else None
    client.force_login(owner)
    export = client.get(reverse("privacy:member-export", args=[developer.pk]))
    data = json.loads(export.content)
    assert data["profile"]["username"] == developer.username
    assert data["memberships"][0]["role"] == "developer"
    erased = client.post(reverse("privacy:member-erase", args=[developer.pk]), {"confirm": "on"})
    assert erased.status_code == 200 and b"account was deleted" in erased.content
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(pk=developer.pk).exists()
    rows = AuditLog.objects.filter(organisation=org)
    assert rows.exists()
    for row in rows:
        text = row.actor_label + row.object_repr + json.dumps(row.before) + json.dumps(row.after)
        assert "dave@acme.test" not in text
    assert AuditLog.objects.filter(action="member.erased").exists()


def test_a_member_downloads_their_own_data(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("privacy:me"))
    assert page.status_code == 200 and b"Download my data" in page.content
    data = json.loads(client.get(reverse("privacy:me") + "?download=1").content)
    assert data["profile"]["username"] == reviewer.username
    assert AuditLog.objects.filter(action="member.data_exported", actor_user=reviewer).exists()


def test_before_the_identity_is_verified_the_page_says_why_nothing_can_be_fulfilled(
    client, owner, org, compliance_officer, file_request
):
    """Session 18's leftover: "Start work" before the verification left an access request in
    progress with no "Make bundle" and no word why. Starting stays allowed (checking the
    identity can be part of the work, GDPR Art. 12(6)); the page says that nothing is disclosed
    before the verification, names the action that will appear, and shows the verification."""
    access = file_request(
        "access", verified=False, identifiers=[{"type": "email", "value": "ann@x.com"}]
    )
    client.force_login(owner)
    url = reverse("privacy:request", args=[access.pk])
    act = lambda name, data: client.post(  # noqa: E731
        reverse("privacy:request-act", args=[access.pk, name]),
        {f"{name}-{k}": v for k, v in data.items()},
        HTTP_HX_REQUEST="true",
    )
    received = client.get(url).content.decode()
    assert "It does not verify the identity" in received  # under "Start work"
    assert act("start", {}).status_code == 204
    started = client.get(url).content.decode()
    assert 'id="awaits-verification"' in started
    assert "Nothing is disclosed, erased or changed for the subject" in started
    assert (
        "“Make the data bundle and complete” appears here once the identity is verified" in started
    )
    assert "not verified yet" in started and "action-bundle" not in started
    # A compliance officer reads the page but does not act: no promise of an action.
    client.force_login(compliance_officer)
    assert 'id="awaits-verification"' not in client.get(url).content.decode()

    client.force_login(owner)
    assert act("verify", {"how": "Replied from the address on file"}).status_code == 204
    verified = client.get(url).content.decode()
    assert 'id="awaits-verification"' not in verified and "action-bundle" in verified
    assert "It does not verify the identity" not in verified
    assert f"by {owner.email} — Replied from the address on file" in verified


def test_the_certificate_states_the_verification_and_claims_no_delivery(
    client, owner, org, append, file_request
):
    """The certificate said the bundle was "made available to the subject" (Execlave cannot
    know) and did not say whether, when or how the identity was verified."""
    import pypdf

    append(org, input={"to": "ann@x.com"})
    access = file_request("access", identifiers=[{"type": "email", "value": "ann@x.com"}])
    client.force_login(owner)
    assert (
        client.post(reverse("privacy:request-act", args=[access.pk, "bundle"])).status_code == 302
    )
    pdf = client.get(reverse("privacy:certificate", args=[access.pk]))
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    ).replace("\n", " ")
    assert "Identity verified" in text
    assert f"by {owner.email}: Replied from the address on file." in text
    assert "made available to the subject" not in text
    assert "Execlave does not send it" in text


def test_the_trace_page_names_the_erasure_by_the_requests_reference(client, dsr, owner, org):
    """It said "1 value(s) of the payload erased 2026-12-05T10:33:59.287681Z under data-subject
    request 2": the row id and a raw timestamp, where the privacy pages say DSR-0002."""
    privacy.dsr_verify_identity(request=dsr, actor=owner, how="Called back")
    privacy.dsr_erase(request=dsr, actor=owner)
    entry = LedgerEntry.objects.filter(organisation=org, payload__contains="[erased]").first()
    client.force_login(owner)
    page = client.get(f"/admin/traces/ledgerentry/{entry.pk}/change/").content.decode()
    assert re.search(r"1 value of the payload erased \d{4}-\d\d-\d\d \d\d:\d\d UTC under", page)
    assert f"under data-subject request {dsr.reference} (" in page
    assert "value(s)" not in page


def test_the_register_pages_through_every_request_keeping_its_tab(
    client, owner, org, outsider, monkeypatch
):
    from privacy import views

    monkeypatch.setattr(views, "PAGE", 2)
    for n in range(5):
        gov.data_subject_request_create(
            organisation=org, kind="access", actor=owner, subject=f"person{n}@x.com"
        )
    client.force_login(owner)
    seen = []
    url = reverse("privacy:requests") + "?show=open"
    while url:
        page = client.get(url).content.decode()
        seen += re.findall(r'class="subject">(person\d@x\.com)<', page)
        following = re.search(r'href="(\?show=open&amp;page=\d+)" rel="next"', page)
        url = reverse("privacy:requests") + following[1].replace("&amp;", "&") if following else ""
    assert sorted(seen) == [f"person{n}@x.com" for n in range(5)]  # each once, none lost
    assert "Requests 5–5 of 5." in page and 'rel="prev"' in page
    # a page past the end or not a number shows the last or first page, never an error
    assert client.get(reverse("privacy:requests") + "?page=99").status_code == 200
    assert client.get(reverse("privacy:requests") + "?page=x").status_code == 200
    client.force_login(outsider)  # another organisation's owner sees none of them
    page = client.get(reverse("privacy:requests") + "?show=all&page=2")
    assert page.status_code in (200, 404) and b"person" not in page.content


def test_the_privacy_address_opens_what_the_role_may_see(client, compliance_officer, developer):
    """/privacy/ sent everyone to the register, which answers 404 to reviewers and developers:
    it now opens their own data, the privacy page they may open."""
    client.force_login(compliance_officer)
    assert client.get("/privacy/").url == reverse("privacy:requests")
    client.force_login(developer)
    page = client.get("/privacy/", follow=True)
    assert page.status_code == 200 and page.redirect_chain[-1][0] == reverse("privacy:me")
    client.logout()
    assert "login" in client.get("/privacy/").url
