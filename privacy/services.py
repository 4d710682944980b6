"""Acting on data-subject requests: the lifecycle after intake and the fulfilment of each kind.

Owners and Admins act (capability ``dsr.manage``); every step writes an audit row in the same
transaction. The record and its intake/closing live in ``governance`` (``data_subject_request_
create``/``_close``) so the compliance reports can read them; this module orchestrates the
ledger (exact-match erasure, correction entries), the bundles and the reminders.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance import deadlines
from governance.audit import AuditAction
from governance.identifiers import guess_type, normalise
from governance.models import DataSubjectRequest, Organisation
from governance.roles import ORGANISATION_WIDE_ROLES
from governance.selectors import role_of
from governance.services import (
    DSR_FIELDS,
    actor_label,
    audit_log_write,
    data_subject_request_close,
    require_capability,
    snapshot,
)
from traces.erasure import WHOLE, ledger_payloads_redact
from traces.models import LedgerEntry
from traces.services import LedgerEvent, ledger_append
from traces.verification import ledger_verify

from . import bundles, identifier_index, matching, selectors
from .models import BUNDLE_RETENTION_DAYS, Bundle

User = get_user_model()
Status = DataSubjectRequest.Status
Kind = DataSubjectRequest.Kind

NOTE_MAX = 4000


def _locked(request: DataSubjectRequest, actor) -> DataSubjectRequest:
    require_capability(actor=actor, organisation=request.organisation, capability="dsr.manage")
    locked = (
        DataSubjectRequest.objects.select_for_update()
        .select_related("organisation")
        .get(pk=request.pk)
    )
    if not locked.is_open:
        raise ValidationError({"status": ["This request is closed."]})
    return locked


def _save_audited(
    request: DataSubjectRequest, actor, action: AuditAction, before: dict, **extra
) -> None:
    request.save()
    audit_log_write(
        organisation=request.organisation,
        actor=actor,
        action=action,
        obj=request,
        before=before,
        after={**snapshot(request, DSR_FIELDS), **extra},
    )


def _take_on(request: DataSubjectRequest, actor) -> None:
    if request.handled_by_id is None and isinstance(actor, User):
        request.handled_by = actor


def _complete(locked: DataSubjectRequest, actor, *, result: dict, notes: str) -> DataSubjectRequest:
    """Close a fulfilled request (erasure, access, rectification, objection): the person who
    did it takes it on if nobody had, then the close is audited with its result."""
    _take_on(locked, actor)
    locked.save(update_fields=["handled_by"])
    return data_subject_request_close(
        request=locked, actor=actor, status=Status.COMPLETED, result=result, notes=notes
    )


# --- lifecycle -------------------------------------------------------------------------------------


@transaction.atomic
def dsr_verify_identity(*, request: DataSubjectRequest, actor, how: str) -> DataSubjectRequest:
    """Record that the subject's identity was verified, and how (GDPR Art. 12(6))."""
    request = _locked(request, actor)
    if request.identity_verified_at is not None:
        raise ValidationError({"status": ["The identity is already verified."]})
    if not request.is_open:
        raise ValidationError({"status": ["The request is closed."]})
    how = (how or "").strip()
    if not how:
        raise ValidationError({"how": ["Say how the identity was verified."]})
    before = snapshot(request, DSR_FIELDS)
    request.identity_verified_at = timezone.now()
    if request.status == Status.RECEIVED:  # work started or an extension keep their status
        request.status = Status.IDENTITY_VERIFIED
    request.notes = _with_note(request.notes, f"Identity verified: {how}", actor)
    _take_on(request, actor)
    _save_audited(request, actor, AuditAction.DSR_IDENTITY_VERIFIED, before, how=how[:500])
    return request


@transaction.atomic
def dsr_start(*, request: DataSubjectRequest, actor) -> DataSubjectRequest:
    request = _locked(request, actor)
    if request.status not in (Status.RECEIVED, Status.IDENTITY_VERIFIED):
        raise ValidationError({"status": ["The request is already in progress."]})
    before = snapshot(request, DSR_FIELDS)
    request.status = Status.IN_PROGRESS
    _take_on(request, actor)
    _save_audited(request, actor, AuditAction.DSR_IN_PROGRESS, before)
    return request


@transaction.atomic
def dsr_extend(*, request: DataSubjectRequest, actor, reason: str) -> DataSubjectRequest:
    """Extend the deadline once, as the law allows (GDPR: by two further months; CCPA: by 45
    days), with the reason recorded (the subject must be told of it)."""
    request = _locked(request, actor)
    reason = (reason or "").strip()
    if request.extended_at is not None:
        raise ValidationError({"reason": ["The deadline can be extended only once."]})
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the extension."]})
    before = snapshot(request, DSR_FIELDS)
    request.due_at = deadlines.due_date(
        jurisdiction=request.jurisdiction, received_at=request.received_at, extended=True
    )
    request.extended_at = timezone.now()
    request.extension_reason = reason[:NOTE_MAX]
    request.status = Status.EXTENDED
    _take_on(request, actor)
    _save_audited(request, actor, AuditAction.DSR_EXTENDED, before)
    return request


@transaction.atomic
def dsr_assign(*, request: DataSubjectRequest, actor, handler) -> DataSubjectRequest:
    """Hand the request to an Owner or Admin of its organisation."""
    request = _locked(request, actor)
    if handler is None or role_of(user=handler, organisation=request.organisation) not in (
        ORGANISATION_WIDE_ROLES
    ):
        raise ValidationError({"handler": ["Choose an Owner or Admin of this organisation."]})
    before = snapshot(request, DSR_FIELDS)
    request.handled_by = handler
    _save_audited(request, actor, AuditAction.DSR_ASSIGNED, before)
    return request


def _with_note(notes: str, text: str, actor) -> str:
    stamp = timezone.now().strftime("%Y-%m-%d %H:%M")
    line = f"[{stamp} {actor_label(actor)}] {text.strip()}"
    return (notes + "\n" + line).strip() if notes else line


@transaction.atomic
def dsr_note_add(*, request: DataSubjectRequest, actor, text: str) -> DataSubjectRequest:
    require_capability(actor=actor, organisation=request.organisation, capability="dsr.manage")
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write the note."]})
    before = snapshot(request, DSR_FIELDS)
    request.notes = _with_note(request.notes, text[:NOTE_MAX], actor)
    _save_audited(request, actor, AuditAction.DSR_NOTE_ADDED, before)
    return request


@transaction.atomic
def dsr_reject(*, request: DataSubjectRequest, actor, reason: str) -> DataSubjectRequest:
    """Refuse a request (manifestly unfounded, identity not proven, ...) with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for the rejection."]})
    _locked(request, actor)
    return data_subject_request_close(
        request=request,
        actor=actor,
        status=Status.REJECTED,
        rejection_reason=reason[:NOTE_MAX],
        result={"rejected": reason[:NOTE_MAX]},
    )


def _require_kind(request: DataSubjectRequest, *kinds: str) -> None:
    if request.kind not in kinds:
        raise ValidationError(
            {"kind": [f"This action fulfils {' or '.join(kinds)} requests, not {request.kind}."]}
        )


def _require_verified(request: DataSubjectRequest) -> None:
    # The field, not the status: "Start work" or an extension before the verification used to
    # move a request past "received" and let it be fulfilled for whoever had asked.
    if request.identity_verified_at is None:
        raise ValidationError(
            {"status": ["Verify the subject's identity before acting on the request."]}
        )


def _verification_summary(organisation: Organisation) -> dict:
    result = ledger_verify(organisation=organisation)
    brk = result.first_break
    return {
        "ok": result.ok,
        "entries": result.entries,
        "redacted": result.redacted,
        "first_break": None if brk is None else f"#{brk.seq} {brk.kind}: {brk.detail}",
        "at": timezone.now().isoformat(timespec="seconds"),
    }


# --- erasure ---------------------------------------------------------------------------------------


def erasure_plan(*, request: DataSubjectRequest, whole_payloads: bool = False) -> dict:
    """What an erasure would do, without doing it: per entry, the places that hold the
    subject's values and the payload as it would read afterwards. The preview shows this."""
    needles = selectors.needles_for(request)
    matches = selectors.ledger_matches(organisation=request.organisation, needles=needles)
    entries = []
    for m in matches:
        if not m.payload_hits:
            continue
        after, count = (
            (WHOLE, len(m.payload_hits)) if whole_payloads else matching.redact(m.payload, needles)
        )
        entries.append(
            {
                "entry_id": m.entry_id,
                "seq": m.seq,
                "trace_id": m.trace_id,
                "agent": m.agent,
                "tool": m.tool,
                "kind": m.kind,
                "recorded_at": m.recorded_at,
                "values": [
                    {"path": h.path, "value": h.value, "whole": h.whole} for h in m.payload_hits
                ],
                "count": count,
                "after": after,
            }
        )
    not_erasable = [
        {
            "seq": m.seq,
            "trace_id": m.trace_id,
            "agent": m.agent,
            "tool": m.tool,
            "places": sorted({h.path for h in m.other_hits}),
        }
        for m in matches
        if m.other_hits
    ]
    return {
        "whole_payloads": whole_payloads,
        "entries": entries,
        "values": sum(e["count"] for e in entries),
        "not_erasable": not_erasable,
        "summary": selectors.summarise(matches),
    }


@transaction.atomic
def dsr_erase(
    *, request: DataSubjectRequest, actor, whole_payloads: bool = False
) -> DataSubjectRequest:
    """Carry out an erasure request on the ledger: exactly the subject's values are replaced
    (or the whole payloads of the entries that hold them, when asked) through the ledger's
    erasure service, which keeps ``payload_hash`` so the chain still verifies. Values in hashed
    metadata cannot be erased without breaking the chain: they are listed in the result and
    the certificate. Verifies the ledger afterwards and completes the request."""
    _require_kind(request, Kind.ERASURE)
    locked = _locked(request, actor)
    _require_verified(locked)
    plan = erasure_plan(request=locked, whole_payloads=whole_payloads)
    changed = ledger_payloads_redact(
        organisation=locked.organisation,
        request=locked,
        actor=actor,
        redactions={e["entry_id"]: (e["after"], e["count"]) for e in plan["entries"]},
    )
    identifier_index.reindex_entries(
        organisation=locked.organisation, entry_ids=[e["entry_id"] for e in plan["entries"]]
    )
    verification = _verification_summary(locked.organisation)
    result = {
        "action": "erasure",
        "found": plan["summary"],
        "ledger_entries_erased": changed,
        "values_erased": plan["values"],
        "whole_payloads": whole_payloads,
        "erased": [
            {
                "seq": e["seq"],
                "trace_id": e["trace_id"],
                "places": sorted({v["path"] for v in e["values"]}),
            }
            for e in plan["entries"]
        ][:5000],
        "not_erasable": plan["not_erasable"][:5000],
        "verification": verification,
    }
    audit_log_write(
        organisation=locked.organisation,
        actor=actor,
        action=AuditAction.DSR_ERASED,
        obj=locked,
        after={
            "ledger_entries_erased": changed,
            "values_erased": plan["values"],
            "whole_payloads": whole_payloads,
            "not_erasable": len(plan["not_erasable"]),
            "ledger_verifies": verification["ok"],
        },
    )
    return _complete(
        locked,
        actor,
        result=result,
        notes=f"Erasure: {plan['values']} value(s) in {changed} ledger entr"
        f"{'y' if changed == 1 else 'ies'} erased; ledger verifies: "
        f"{'yes' if verification['ok'] else 'NO'}.",
    )


# --- access and portability ------------------------------------------------------------------------


@transaction.atomic
def dsr_bundle_create(*, request: DataSubjectRequest, actor) -> Bundle:
    """Gather the subject's data into a bundle (access: Art. 15; portability: Art. 20) and
    complete the request. The bundle is kept ``BUNDLE_RETENTION_DAYS`` days."""
    _require_kind(request, Kind.ACCESS, Kind.PORTABILITY)
    locked = _locked(request, actor)
    _require_verified(locked)
    needles = selectors.needles_for(locked)
    matches = selectors.ledger_matches(organisation=locked.organisation, needles=needles)
    built = bundles.build(request=locked, matches=matches)
    now = timezone.now()
    bundle = Bundle.objects.create(
        request=locked,
        created_at=now,
        expires_at=now + timedelta(days=BUNDLE_RETENTION_DAYS),
        filename=built.filename,
        sha256=built.sha256,
        size=len(built.content),
        content=built.content,
    )
    summary = selectors.summarise(matches)
    audit_log_write(
        organisation=locked.organisation,
        actor=actor,
        action=AuditAction.DSR_BUNDLE_CREATED,
        obj=locked,
        after={
            "bundle": bundle.pk,
            "sha256": bundle.sha256,
            "entries": summary["entries"],
            "expires_at": bundle.expires_at.isoformat(),
        },
    )
    _complete(
        locked,
        actor,
        result={
            "action": locked.kind,
            "found": summary,
            "bundle": {
                "id": bundle.pk,
                "filename": bundle.filename,
                "sha256": bundle.sha256,
                "size": bundle.size,
                "expires_at": bundle.expires_at.isoformat(),
            },
            "verification": _verification_summary(locked.organisation),
        },
        notes=f"Bundle {bundle.filename} with {summary['entries']} ledger entr"
        f"{'y' if summary['entries'] == 1 else 'ies'} made.",
    )
    return bundle


@transaction.atomic
def bundle_download(*, bundle: Bundle, actor) -> bytes:
    """The bundle's bytes for an Owner or Admin; audited. ValidationError once expired."""
    request = bundle.request
    require_capability(actor=actor, organisation=request.organisation, capability="dsr.manage")
    if not bundle.available or bundle.content is None:
        raise ValidationError({"bundle": ["This bundle has expired and was deleted."]})
    audit_log_write(
        organisation=request.organisation,
        actor=actor,
        action=AuditAction.DSR_BUNDLE_DOWNLOADED,
        obj=request,
        after={"bundle": bundle.pk, "sha256": bundle.sha256},
    )
    return bytes(bundle.content)


def bundles_purge_expired(*, now=None) -> int:
    """Scheduled: empty the bundles past their retention (the row stays as a record)."""
    now = now or timezone.now()
    return Bundle.objects.filter(expires_at__lte=now, purged_at__isnull=True).update(
        content=None, purged_at=now
    )


# --- rectification ---------------------------------------------------------------------------------


@transaction.atomic
def dsr_rectify(
    *, request: DataSubjectRequest, actor, incorrect: str, correct: str, statement: str = ""
) -> DataSubjectRequest:
    """Record a correction (Art. 16). Ledger entries are never edited: a ``correction`` entry
    is appended to the chain naming the corrected entries (those where the incorrect value
    appears, by seq and entry hash) and the correct value, so every reader of those entries
    can find it. Completes the request."""
    _require_kind(request, Kind.RECTIFICATION)
    locked = _locked(request, actor)
    _require_verified(locked)
    incorrect, correct = (incorrect or "").strip(), (correct or "").strip()
    errors = {}
    if len(incorrect) < 3:
        errors["incorrect"] = ["The incorrect value as it appears (3 characters at least)."]
    if not correct:
        errors["correct"] = ["The correct value."]
    if errors:
        raise ValidationError(errors)
    needle = matching.needle_for(
        {"type": _guess_kind(incorrect), "value": incorrect, "normalised": _normal(incorrect)}
    )
    subject_needles = selectors.needles_for(locked)
    # The corrected entries: those holding the subject's identifiers and the incorrect value.
    candidates = selectors.ledger_matches(organisation=locked.organisation, needles=[needle])
    subject_ids = {
        m.entry_id
        for m in selectors.ledger_matches(organisation=locked.organisation, needles=subject_needles)
    }
    corrected = [m for m in candidates if m.entry_id in subject_ids or needle in subject_needles]
    hashes = dict(_entry_hashes(locked.organisation, [m.entry_id for m in corrected]))
    refs = [
        {"seq": m.seq, "trace_id": m.trace_id, "entry_hash": hashes.get(m.entry_id, "")}
        for m in corrected
    ][:2000]
    trace_id = uuid.uuid4()
    ledger_append(
        organisation=locked.organisation,
        events=[
            LedgerEvent(
                trace_id=trace_id,
                kind="correction",
                agent=None,
                tool="privacy.rectification",
                input={"incorrect": incorrect, "correct": correct, "statement": statement[:2000]},
                output={"corrects": refs},
                server={"request": locked.reference, "corrects": len(refs)},
            )
        ],
    )
    verification = _verification_summary(locked.organisation)
    audit_log_write(
        organisation=locked.organisation,
        actor=actor,
        action=AuditAction.DSR_RECTIFIED,
        obj=locked,
        after={"correction_trace": str(trace_id), "corrected_entries": len(refs)},
    )
    return _complete(
        locked,
        actor,
        result={
            "action": "rectification",
            "correction_trace": str(trace_id),
            "corrected": refs,
            "correct_value": correct,
            "verification": verification,
        },
        notes=f"Correction entry appended to the ledger (trace {trace_id}) for "
        f"{len(refs)} entr{'y' if len(refs) == 1 else 'ies'}.",
    )


def _entry_hashes(organisation: Organisation, ids: list[int]):
    return LedgerEntry.objects.filter(organisation=organisation, id__in=ids).values_list(
        "id", "entry_hash"
    )


def _guess_kind(value: str) -> str:
    return guess_type(value)


def _normal(value: str) -> str:
    try:
        return normalise(guess_type(value), value)
    except ValidationError:
        return value


# --- objection / restriction -----------------------------------------------------------------------


@transaction.atomic
def dsr_objection_complete(
    *, request: DataSubjectRequest, actor, measures: str
) -> DataSubjectRequest:
    """Complete an objection or restriction request (Art. 18, 21; CCPA opt-out) by recording
    the measures taken (e.g. the agents that no longer process the subject's data)."""
    _require_kind(request, Kind.OBJECTION)
    locked = _locked(request, actor)
    _require_verified(locked)
    measures = (measures or "").strip()
    if not measures:
        raise ValidationError({"measures": ["Describe the measures taken."]})
    needles = selectors.needles_for(locked)
    summary = selectors.summarise(
        selectors.ledger_matches(organisation=locked.organisation, needles=needles)
    )
    return _complete(
        locked,
        actor,
        result={
            "action": "objection",
            "measures": measures[:NOTE_MAX],
            "found": summary,
            "verification": _verification_summary(locked.organisation),
        },
        notes=f"Measures taken: {measures[:NOTE_MAX]}",
    )
