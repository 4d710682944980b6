"""Fulfilment on the real ledger: erasure keeps the chain verifiable and touches nothing that is
not the subject's; bundles hold the subject's data; rectification appends a correction."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import AuditLog
from privacy import services as privacy
from privacy.models import Bundle
from tests.factories import append_completion
from traces import chain
from traces.export import export_jsonl, verify_export_lines
from traces.models import LedgerEntry, LedgerRedaction
from traces.verification import ledger_verify

pytestmark = pytest.mark.django_db

IDS = [
    {"type": "email", "value": "Ann@X.com"},
    {"type": "phone", "value": "+1 (909) 451-3674"},
]


@pytest.fixture
def ledger(org, other_org, agent, append):
    """Entries with the subject nested at any depth, near-misses, and another organisation's."""
    return {
        "direct": append(org, agent=agent, input={"to": "ann@x.com", "subject": "Hello"}),
        "nested": append(
            org,
            agent=agent,
            tool="crm.lookup",
            input={"query": {"phone": "9094513674"}},
            output={"rows": [{"name": "Ann", "contact": ["+1 (909) 451-3674", "ANN@X.COM"]}]},
        ),
        "token": append(org, input={"body": "Dear Ann (ann@x.com), thanks."}, output="sent"),
        "near_miss": append(
            org, input={"to": "joann@x.com", "phone": "+44 909 451 3674", "other": "ann@x.com.au"}
        ),
        "metadata": append(
            org,
            input={"to": "bob@x.com"},
            client={"status": "ok", "metadata": {"user": "ann@x.com"}},
        ),
        "foreign": append(other_org, input={"to": "ann@x.com"}),
    }


def _entry(org, trace_id):
    return LedgerEntry.objects.get(organisation=org, trace_id=trace_id)


def test_erasure_erases_exactly_the_subject_values_and_the_ledger_verifies(
    org, other_org, owner, ledger, file_request
):
    before = {k: _entry(other_org if k == "foreign" else org, t) for k, t in ledger.items()}
    request = file_request("erasure", identifiers=IDS)

    plan = privacy.erasure_plan(request=request)
    assert {e["trace_id"] for e in plan["entries"]} == {
        str(ledger["direct"]),
        str(ledger["nested"]),
        str(ledger["token"]),
    }
    assert plan["values"] == 5
    assert [n["trace_id"] for n in plan["not_erasable"]] == [str(ledger["metadata"])]

    done = privacy.dsr_erase(request=request, actor=owner)
    assert done.status == "completed"
    assert done.result["ledger_entries_erased"] == 3 and done.result["values_erased"] == 5
    assert done.result["verification"]["ok"] is True

    direct = _entry(org, ledger["direct"])
    assert direct.redacted and direct.input == {"to": "[erased]", "subject": "Hello"}
    assert direct.payload_hash == before["direct"].payload_hash
    assert direct.entry_hash == before["direct"].entry_hash
    nested = _entry(org, ledger["nested"])
    assert nested.input == {"query": {"phone": "[erased]"}}
    assert nested.output == {"rows": [{"name": "Ann", "contact": ["[erased]", "[erased]"]}]}
    assert _entry(org, ledger["token"]).input == {"body": "Dear Ann ([erased]), thanks."}
    assert json.loads(_entry(org, ledger["token"]).payload)["redacted"]["request"] == request.pk

    # Near-misses, metadata-only and the other organisation's entries are untouched.
    for key in ("near_miss", "metadata", "foreign"):
        entry = _entry(other_org if key == "foreign" else org, ledger[key])
        assert entry.payload == before[key].payload and not entry.redacted

    # Gone from the database (payloads), from exports; the chain and exports still verify.
    texts = LedgerEntry.objects.filter(organisation=org).exclude(trace_id=ledger["metadata"])
    for entry in texts:
        assert "ann@x.com" not in entry.payload.lower().replace("joann@x.com", "").replace(
            "ann@x.com.au", ""
        )
        assert "9094513674" not in entry.payload and "451-3674" not in entry.payload.replace(
            "+44 909 451 3674", ""
        )
    result = ledger_verify(organisation=org)
    assert result.ok and result.redacted == 3
    export = "\n".join(export_jsonl(organisation=org)) + "\n"
    assert verify_export_lines(io.StringIO(export)).ok
    assert "Dear Ann ([erased])" in export and "Dear Ann (ann@x.com)" not in export
    assert LedgerRedaction.objects.filter(request=request).count() == 3
    assert AuditLog.objects.filter(organisation=org, action="dsr.erased").exists()
    assert AuditLog.objects.filter(organisation=org, action="dsr.completed").exists()


def test_erasure_of_whole_payloads_when_asked(org, owner, ledger, file_request):
    request = file_request("erasure", identifiers=IDS[:1])
    privacy.dsr_erase(request=request, actor=owner, whole_payloads=True)
    direct = _entry(org, ledger["direct"])
    assert direct.redacted and direct.input is None and "remaining" not in direct.payload
    assert ledger_verify(organisation=org).ok


def test_a_second_erasure_keeps_the_first(org, owner, ledger, file_request):
    first = file_request("erasure", identifiers=IDS[:1])
    privacy.dsr_erase(request=first, actor=owner)
    second = file_request("erasure", identifiers=[{"type": "customer_id", "value": "Hello"}])
    privacy.dsr_erase(request=second, actor=owner)
    direct = _entry(org, ledger["direct"])
    assert direct.input == {"to": "[erased]", "subject": "[erased]"}
    assert json.loads(direct.payload)["redacted"]["requests"] == [first.pk, second.pk]
    assert ledger_verify(organisation=org).ok


@pytest.mark.parametrize("step", ["start", "extend"])
def test_starting_work_or_extending_does_not_stand_in_for_the_identity_check(
    org, owner, ledger, file_request, step
):
    """Work started (or the deadline extended) before the identity was verified used to move the
    request past "received", the only status the check looked at, so it could be fulfilled for
    whoever had asked."""
    requests = {
        kind: file_request(kind, identifiers=IDS, verified=False)
        for kind in ("erasure", "access", "rectification", "objection")
    }
    for request in requests.values():
        if step == "start":
            privacy.dsr_start(request=request, actor=owner)
        else:
            privacy.dsr_extend(request=request, actor=owner, reason="Many systems.")
    fulfil = [
        lambda: privacy.dsr_erase(request=requests["erasure"], actor=owner),
        lambda: privacy.dsr_bundle_create(request=requests["access"], actor=owner),
        lambda: privacy.dsr_rectify(
            request=requests["rectification"],
            actor=owner,
            incorrect="ann@x.com",
            correct="ann@y.com",
        ),
        lambda: privacy.dsr_objection_complete(
            request=requests["objection"], actor=owner, measures="Opted out."
        ),
    ]
    for attempt in fulfil:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "Verify the subject's identity" in str(refused.value)
    assert not Bundle.objects.exists()
    # The check can still be made, and the status work reached is kept.
    erasure = privacy.dsr_verify_identity(
        request=requests["erasure"], actor=owner, how="ID document checked"
    )
    assert erasure.identity_verified_at is not None
    assert erasure.status == ("in_progress" if step == "start" else "extended")
    privacy.dsr_erase(request=erasure, actor=owner)
    with pytest.raises(ValidationError):
        privacy.dsr_verify_identity(request=erasure, actor=owner, how="again")


def test_erasure_needs_a_verified_erasure_request_and_an_owner_or_admin(
    org, owner, admin_user, compliance_officer, developer, ledger, file_request
):
    unverified = file_request("erasure", identifiers=IDS, verified=False)
    with pytest.raises(ValidationError):
        privacy.dsr_erase(request=unverified, actor=owner)
    access = file_request("access", identifiers=IDS)
    with pytest.raises(ValidationError):
        privacy.dsr_erase(request=access, actor=owner)
    request = file_request("erasure", identifiers=IDS)
    for actor in (compliance_officer, developer):
        with pytest.raises(PermissionDenied):
            privacy.dsr_erase(request=request, actor=actor)
    assert privacy.dsr_erase(request=request, actor=admin_user).status == "completed"
    with pytest.raises(ValidationError):
        privacy.dsr_erase(request=request, actor=owner)  # closed
    assert _entry(org, ledger["near_miss"]).redacted is False


def test_access_bundle_holds_the_subject_data(org, owner, ledger, file_request):
    request = file_request("access", identifiers=IDS)
    bundle = privacy.dsr_bundle_create(request=request, actor=owner)
    request.refresh_from_db()
    assert request.status == "completed" and request.result["bundle"]["id"] == bundle.pk
    content = privacy.bundle_download(bundle=bundle, actor=owner)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(archive.namelist()) == ["data.json", "entries.csv", "manifest.json"]
    manifest = json.loads(archive.read("manifest.json"))
    data = json.loads(archive.read("data.json"))
    assert manifest["entries"] == 4 and manifest["request"] == request.reference
    assert {f["name"] for f in manifest["files"]} == {"data.json", "entries.csv"}
    assert {e["trace_id"] for e in data["entries"]} == {
        str(ledger[k]) for k in ("direct", "nested", "token", "metadata")
    }
    csv_text = archive.read("entries.csv").decode()
    assert csv_text.splitlines()[0].startswith("seq,trace_id,kind,agent,tool")
    assert len(csv_text.strip().splitlines()) == 5
    assert "joann" not in json.dumps(data)  # only the subject's entries
    assert AuditLog.objects.filter(action="dsr.bundle_downloaded", object_id=str(request.pk))


def test_bundle_download_is_owner_admin_only_and_expires(
    org, owner, compliance_officer, ledger, file_request
):
    request = file_request("portability", identifiers=IDS)
    bundle = privacy.dsr_bundle_create(request=request, actor=owner)
    with pytest.raises(PermissionDenied):
        privacy.bundle_download(bundle=bundle, actor=compliance_officer)
    from datetime import timedelta

    from django.utils import timezone

    assert privacy.bundles_purge_expired(now=timezone.now() + timedelta(days=31)) == 1
    bundle = Bundle.objects.get(pk=bundle.pk)
    with pytest.raises(ValidationError):
        privacy.bundle_download(bundle=bundle, actor=owner)


def test_rectification_appends_a_correction_linked_to_the_entries(org, owner, ledger, file_request):
    request = file_request("rectification", identifiers=IDS)
    before = {e.pk: e.payload for e in LedgerEntry.objects.filter(organisation=org)}
    done = privacy.dsr_rectify(
        request=request,
        actor=owner,
        incorrect="ann@x.com",
        correct="ann@y.org",
        statement="Ann moved to y.org",
    )
    assert done.status == "completed"
    correction = LedgerEntry.objects.get(organisation=org, kind="correction")
    corrected = {c["trace_id"] for c in correction.output["corrects"]}
    assert corrected == {str(ledger[k]) for k in ("direct", "nested", "token", "metadata")}
    assert correction.input["correct"] == "ann@y.org"
    # No entry was edited; the chain grew by one and verifies.
    for entry in LedgerEntry.objects.filter(organisation=org).exclude(kind="correction"):
        assert entry.payload == before[entry.pk]
    assert ledger_verify(organisation=org).ok
    for ref in correction.output["corrects"]:
        assert (
            LedgerEntry.objects.get(organisation=org, seq=ref["seq"]).entry_hash
            == ref["entry_hash"]
        )


def test_objection_and_rejection_record_their_reasons(org, owner, file_request):
    objection = file_request("objection", identifiers=IDS)
    done = privacy.dsr_objection_complete(
        request=objection, actor=owner, measures="support-bot no longer reads Ann's tickets."
    )
    assert done.status == "completed" and "support-bot" in done.result["measures"]
    rejected = file_request("access", identifiers=IDS, verified=False)
    with pytest.raises(ValidationError):
        privacy.dsr_reject(request=rejected, actor=owner, reason="")
    rejected = privacy.dsr_reject(request=rejected, actor=owner, reason="Identity not proven.")
    assert rejected.status == "rejected" and rejected.rejection_reason == "Identity not proven."


def test_every_step_is_audited(org, owner, admin_user, file_request):
    request = file_request("erasure", identifiers=IDS, verified=False)
    privacy.dsr_verify_identity(request=request, actor=owner, how="ID document checked")
    privacy.dsr_start(request=request, actor=owner)
    privacy.dsr_assign(request=request, actor=owner, handler=admin_user)
    privacy.dsr_note_add(request=request, actor=owner, text="Called Ann.")
    privacy.dsr_extend(request=request, actor=owner, reason="Many systems.")
    actions = list(
        AuditLog.objects.filter(
            object_id=str(request.pk), object_type="governance.datasubjectrequest"
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "dsr.received",
        "dsr.identity_verified",
        "dsr.in_progress",
        "dsr.assigned",
        "dsr.note_added",
        "dsr.extended",
    ]
    request.refresh_from_db()
    assert request.handled_by == admin_user and "Called Ann." in request.notes


def test_certificate_pdf_lists_what_was_done(org, owner, ledger, file_request):
    from pypdf import PdfReader

    from privacy.certificate import render

    request = file_request("erasure", identifiers=IDS)
    request = privacy.dsr_erase(request=request, actor=owner)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render(request))).pages)
    assert request.reference in text
    assert "5 value(s) erased in 3 ledger entries" in text
    assert "The ledger verifies" in text
    assert chain.REDACTED_PREFIX  # marker format unchanged for verifiers


def test_erased_values_are_gone_from_the_admin_and_the_trace_api(
    client, org, owner, ledger, file_request, api_client_for
):
    request = file_request("erasure", identifiers=IDS)
    privacy.dsr_erase(request=request, actor=owner)
    entry = _entry(org, ledger["token"])
    client.force_login(owner)
    page = client.get(f"/admin/traces/ledgerentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b"Dear Ann ([erased]), thanks." in page.content and b"ann@x.com" not in page.content
    api = api_client_for(org, scopes=["read"])
    shown = api.get(f"/api/v1/traces/{ledger['nested']}").json()["events"][0]
    assert shown["redacted"] is True
    assert shown["input"] == {"query": {"phone": "[erased]"}}
    assert "9094513674" not in json.dumps(shown) and "ann@x.com" not in json.dumps(shown).lower()


def test_the_bundle_says_when_the_agent_acted_not_only_when_it_was_recorded(
    org, owner, file_request
):
    """A call the SDK spooled during an outage is recorded hours after the agent made it; the
    bundle gave the subject only ``recorded_at``, the later time."""
    from datetime import timedelta

    from django.utils import timezone

    acted = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    append_completion(
        org, None, input={"to": "ann@x.com"}, client={"status": "ok"}, occurred_at=acted
    )
    request = file_request("access", identifiers=[{"type": "email", "value": "ann@x.com"}])
    bundle = privacy.dsr_bundle_create(request=request, actor=owner)
    archive = zipfile.ZipFile(io.BytesIO(privacy.bundle_download(bundle=bundle, actor=owner)))
    (entry,) = json.loads(archive.read("data.json"))["entries"]
    assert entry["occurred_at"].startswith(acted.strftime("%Y-%m-%dT%H:%M:%S"))
    assert entry["recorded_at"] > entry["occurred_at"]
    header = archive.read("entries.csv").decode().splitlines()[0].split(",")
    assert header[5:7] == ["occurred_at", "recorded_at"]
    assert (
        "occurred_at is when the agent acted"
        in json.loads(archive.read("manifest.json"))["reading"]
    )
