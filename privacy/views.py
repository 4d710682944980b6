"""The privacy screens at /privacy/ (Django forms + django-htmx).

Thin views: they read through ``selectors`` and act through ``services``. Everything is scoped
to the organisation the member works in (``request.organisation``): a request of another
organisation, or any privacy page for a role without ``dsr.read``, is 404. Owners and Admins
(``dsr.manage``) see the action forms; compliance officers read.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import services as gov
from governance.models import DataSubjectRequest, Membership
from governance.selectors import audit_logs_for, has_capability, organisation_elsewhere

from . import certificate, forms, members, selectors, services
from .models import Bundle

Kind = DataSubjectRequest.Kind
Status = DataSubjectRequest.Status
PAGE = 100


def _organisation(request: HttpRequest, capability: str = "dsr.read"):
    organisation = getattr(request, "organisation", None)
    if organisation is None or not has_capability(
        user=request.user, organisation=organisation, capability=capability
    ):
        raise Http404("No such page.")
    return organisation


def _dsr(request: HttpRequest, pk: int) -> DataSubjectRequest:
    found = selectors.requests_for(user=request.user, organisation=request.organisation).filter(
        pk=pk
    )
    dsr = found.select_related("organisation", "handled_by").first()
    if dsr is None:
        raise Http404("No such request.")
    return dsr


def _may_act(request: HttpRequest) -> bool:
    return has_capability(
        user=request.user, organisation=request.organisation, capability="dsr.manage"
    )


# --- list and intake -------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """/privacy/: the register for those who read requests; for everyone else their own data,
    the one privacy page their role opens (the register answered them 404, "No such page.")."""
    organisation = getattr(request, "organisation", None)
    reads = organisation is not None and has_capability(
        user=request.user, organisation=organisation, capability="dsr.read"
    )
    return redirect("privacy:requests" if reads else "privacy:me")


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    show = request.GET.get("show", "open")
    queryset = selectors.requests_for(user=request.user, organisation=organisation)
    now = timezone.now()
    if show == "open":
        queryset = queryset.filter(status__in=DataSubjectRequest.OPEN_STATUSES).order_by("due_at")
    elif show == "overdue":
        queryset = queryset.filter(
            status__in=DataSubjectRequest.OPEN_STATUSES, due_at__lt=now
        ).order_by("due_at")
    elif show == "closed":
        queryset = queryset.exclude(status__in=DataSubjectRequest.OPEN_STATUSES)
    else:
        show = "all"
    counts = {
        "open": selectors.requests_for(user=request.user, organisation=organisation)
        .filter(status__in=DataSubjectRequest.OPEN_STATUSES)
        .count(),
        "overdue": selectors.requests_for(user=request.user, organisation=organisation)
        .filter(status__in=DataSubjectRequest.OPEN_STATUSES, due_at__lt=now)
        .count(),
    }
    # A register of months keeps every request reachable: pages of PAGE, the tab kept in the links.
    page = Paginator(queryset, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/list.html",
        {
            "requests": page.object_list,
            "page": page,
            "show": show,
            "counts": counts,
            "may_act": _may_act(request),
            "now": now,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request, "dsr.manage")
    form = forms.IntakeForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received_at = None
        if data.get("received_on"):
            received_at = timezone.make_aware(
                timezone.datetime.combine(data["received_on"], timezone.datetime.min.time())
            )
            if data["received_on"] == timezone.localdate():
                received_at = None
        try:
            dsr = gov.data_subject_request_create(
                organisation=organisation,
                kind=data["kind"],
                jurisdiction=data["jurisdiction"],
                identifiers=data["identifiers"],
                notes=data.get("notes", ""),
                received_at=received_at,
                handled_by=data.get("handled_by") or request.user,
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("privacy:request", pk=dsr.pk)
    return render(request, "privacy/new.html", {"form": form})


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            if field == "identifiers":
                target = None
            form.add_error(target, errors)
    else:
        form.add_error(None, exc.messages)


# --- the request page ------------------------------------------------------------------------------


ACTIONS = {
    # name: (form class, kinds it applies to (None: all), statuses it applies to)
    "verify": (forms.VerifyForm, None, DataSubjectRequest.OPEN_STATUSES),
    "start": (forms.BundleForm, None, (Status.RECEIVED, Status.IDENTITY_VERIFIED)),
    "extend": (forms.ExtendForm, None, DataSubjectRequest.OPEN_STATUSES),
    "assign": (forms.AssignForm, None, DataSubjectRequest.OPEN_STATUSES),
    "note": (forms.NoteForm, None, tuple(Status.values)),
    "erase": (
        forms.EraseForm,
        (Kind.ERASURE,),
        (Status.IDENTITY_VERIFIED, Status.IN_PROGRESS, Status.EXTENDED),
    ),
    "bundle": (
        forms.BundleForm,
        (Kind.ACCESS, Kind.PORTABILITY),
        (Status.IDENTITY_VERIFIED, Status.IN_PROGRESS, Status.EXTENDED),
    ),
    "rectify": (
        forms.RectifyForm,
        (Kind.RECTIFICATION,),
        (Status.IDENTITY_VERIFIED, Status.IN_PROGRESS, Status.EXTENDED),
    ),
    "objection": (
        forms.ObjectionForm,
        (Kind.OBJECTION,),
        (Status.IDENTITY_VERIFIED, Status.IN_PROGRESS, Status.EXTENDED),
    ),
    "reject": (forms.RejectForm, None, DataSubjectRequest.OPEN_STATUSES),
}


# Actions that act for the data subject: only once their identity is verified.
FULFILMENT = ("erase", "bundle", "rectify", "objection")
# Each action's title on the page (its fold's summary; the hint before verification names
# the fulfilment action by it).
ACTION_TITLES = {
    "verify": "Verify the subject's identity",
    "start": "Start work",
    "extend": "Extend the deadline (once)",
    "assign": "Hand over",
    "note": "Add a note",
    "erase": "Erase the subject's data",
    "bundle": "Make the data bundle and complete",
    "rectify": "Record the correction and complete",
    "objection": "Record the measures and complete",
    "reject": "Reject the request",
}


def _available(dsr: DataSubjectRequest) -> list[str]:
    names = []
    for name, (_, kinds, statuses) in ACTIONS.items():
        if kinds is not None and dsr.kind not in kinds:
            continue
        if dsr.status not in statuses:
            continue
        if name == "extend" and dsr.extended_at is not None:
            continue
        verified = dsr.identity_verified_at is not None
        if (name == "verify" and verified) or (name in FULFILMENT and not verified):
            continue
        names.append(name)
    return names


def _make_form(name: str, dsr: DataSubjectRequest, data=None):
    form_class = ACTIONS[name][0]
    if form_class is forms.AssignForm:
        return form_class(data, organisation=dsr.organisation, prefix=name)
    return form_class(data, prefix=name)


TIMELINE_LABELS = {
    "dsr.received": "Received",
    "dsr.identity_verified": "Identity verified",
    "dsr.in_progress": "Work started",
    "dsr.extended": "Deadline extended",
    "dsr.assigned": "Handed over",
    "dsr.note_added": "Note added",
    "dsr.erased": "Erasure carried out",
    "ledger.erased": "Ledger values erased",
    "dsr.bundle_created": "Bundle made",
    "dsr.bundle_downloaded": "Bundle downloaded",
    "dsr.rectified": "Correction appended to the ledger",
    "dsr.completed": "Completed",
    "dsr.rejected": "Rejected",
}


def _timeline(dsr: DataSubjectRequest) -> list[dict]:
    rows = (
        audit_logs_for(organisation=dsr.organisation)
        .filter(object_type="governance.datasubjectrequest", object_id=str(dsr.pk))
        .order_by("created_at", "id")
    )
    return [
        {
            "at": row.created_at,
            "label": TIMELINE_LABELS.get(str(row.action), str(row.action)),
            "actor": row.actor_label,
            "detail": (row.after or {}).get("how") or (row.after or {}).get("extension_reason")
            if str(row.action) in ("dsr.identity_verified", "dsr.extended")
            else "",
        }
        for row in rows
    ]


def _page_context(request: HttpRequest, dsr: DataSubjectRequest, bound: dict | None = None):
    may_act = _may_act(request)
    actions = _available(dsr) if may_act else []
    action_forms = [
        (name, ACTION_TITLES[name], (bound or {}).get(name) or _make_form(name, dsr))
        for name in actions
    ]
    bundle = Bundle.objects.filter(request=dsr).first()
    # Fulfilment waits for the verification (GDPR Art. 12(6)); the page says so where the
    # fulfilment action would be, instead of leaving it out without a word.
    waiting = [
        name
        for name, (_, kinds, _statuses) in ACTIONS.items()
        if name in FULFILMENT and (kinds is None or dsr.kind in kinds)
    ]
    return {
        "dsr": dsr,
        "verification": selectors.identity_verification(dsr),
        "awaits_verification": may_act
        and dsr.is_open
        and dsr.identity_verified_at is None
        and bool(waiting),
        "fulfilment_label": ACTION_TITLES[waiting[0]] if waiting else "",
        "identifiers": selectors.request_identifiers(dsr),
        "may_act": may_act,
        "actions": action_forms,
        "timeline": _timeline(dsr),
        "bundle": bundle,
        "result": dsr.result or {},
        "now": timezone.now(),
    }


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _organisation(request)
        dsr = _dsr(request, pk)
    except Http404 as missing:
        # A reminder's link, opened while working in another of the user's organisations.
        elsewhere = organisation_elsewhere(
            DataSubjectRequest.objects.all(),
            user=request.user,
            organisation=getattr(request, "organisation", None),
            pk=pk,
            opens=selectors.requests_for,
        )
        if elsewhere is None:
            raise
        context = {"exception": str(missing), "request_path": request.path, "elsewhere": elsewhere}
        return render(request, "404.html", context, status=404)
    return render(request, "privacy/detail.html", _page_context(request, dsr))


@login_required
@require_GET
def request_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """The matches panel (HTMX): counts per agent and tool, with examples."""
    _organisation(request)
    dsr = _dsr(request, pk)
    matches = selectors.ledger_matches(
        organisation=dsr.organisation, needles=selectors.needles_for(dsr)
    )
    return render(
        request, "privacy/_matches.html", {"dsr": dsr, "summary": selectors.summarise(matches)}
    )


@login_required
@require_GET
def erasure_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Exactly what an erasure would redact, entry by entry, before anything is changed."""
    _organisation(request, "dsr.manage")
    dsr = _dsr(request, pk)
    if dsr.kind != Kind.ERASURE:
        raise Http404("Only erasure requests have a preview.")
    whole = request.GET.get("whole") == "1"
    plan = services.erasure_plan(request=dsr, whole_payloads=whole)
    return render(
        request,
        "privacy/_preview.html",
        {"dsr": dsr, "plan": plan, "shown": plan["entries"][:200], "whole": whole},
    )


ACTORS = {
    "verify": lambda dsr, user, d: services.dsr_verify_identity(
        request=dsr, actor=user, how=d["how"]
    ),
    "start": lambda dsr, user, d: services.dsr_start(request=dsr, actor=user),
    "extend": lambda dsr, user, d: services.dsr_extend(request=dsr, actor=user, reason=d["reason"]),
    "assign": lambda dsr, user, d: services.dsr_assign(
        request=dsr, actor=user, handler=d["handler"]
    ),
    "note": lambda dsr, user, d: services.dsr_note_add(request=dsr, actor=user, text=d["text"]),
    "erase": lambda dsr, user, d: services.dsr_erase(
        request=dsr, actor=user, whole_payloads=d["whole_payloads"]
    ),
    "bundle": lambda dsr, user, d: services.dsr_bundle_create(request=dsr, actor=user),
    "rectify": lambda dsr, user, d: services.dsr_rectify(
        request=dsr,
        actor=user,
        incorrect=d["incorrect"],
        correct=d["correct"],
        statement=d.get("statement", ""),
    ),
    "objection": lambda dsr, user, d: services.dsr_objection_complete(
        request=dsr, actor=user, measures=d["measures"]
    ),
    "reject": lambda dsr, user, d: services.dsr_reject(request=dsr, actor=user, reason=d["reason"]),
}


@login_required
@require_POST
def request_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _organisation(request, "dsr.manage")
    dsr = _dsr(request, pk)
    if action not in ACTIONS:
        raise Http404("No such action.")
    form = _make_form(action, dsr, request.POST)
    status = 200
    if action not in _available(dsr):
        form.is_valid()
        form.add_error(None, "This action does not apply to the request as it stands.")
        status = 409
    elif form.is_valid():
        try:
            ACTORS[action](dsr, request.user, form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
            status = 422
        except PermissionDenied:
            raise Http404("No such request.") from None
        else:
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("privacy:request", args=[dsr.pk])
                return response
            return redirect("privacy:request", pk=dsr.pk)
    else:
        status = 422
    dsr.refresh_from_db()
    context = _page_context(request, dsr, bound={action: form})
    context["open_action"] = action
    template = "privacy/_body.html" if request.htmx else "privacy/detail.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _organisation(request)
    dsr = _dsr(request, pk)
    if dsr.is_open:
        raise Http404("The certificate is issued once the request is closed.")
    response = HttpResponse(certificate.render(dsr), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dsr.reference}-certificate.pdf"'
    return response


@login_required
@require_GET
def bundle_download(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, "dsr.manage")
    bundle = (
        Bundle.objects.filter(pk=pk, request__organisation=organisation)
        .select_related("request__organisation")
        .first()
    )
    if bundle is None:
        raise Http404("No such bundle.")
    try:
        content = services.bundle_download(bundle=bundle, actor=request.user)
    except ValidationError:
        return render(request, "privacy/expired.html", {"bundle": bundle}, status=410)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
    return response


# --- platform users' own data ----------------------------------------------------------------------


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request, "dsr.manage")
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return render(
        request,
        "privacy/members.html",
        {"memberships": memberships, "erase_form": forms.MemberEraseForm()},
    )


def _member(organisation, user_pk: int):
    membership = (
        Membership.objects.filter(organisation=organisation, user_id=user_pk)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership.user


@login_required
@require_GET
def member_export(request: HttpRequest, user_pk: int) -> HttpResponse:
    organisation = _organisation(request, "dsr.manage")
    member = _member(organisation, user_pk)
    content = members.member_data_export(
        organisation=organisation, member=member, actor=request.user
    )
    response = HttpResponse(content, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="member-{member.pk}-data.json"'
    return response


@login_required
@require_POST
def member_erase(request: HttpRequest, user_pk: int) -> HttpResponse:
    organisation = _organisation(request, "dsr.manage")
    member = _member(organisation, user_pk)
    form = forms.MemberEraseForm(request.POST)
    error = None
    if form.is_valid():
        try:
            result = members.member_erase(
                organisation=organisation, member=member, actor=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            return render(request, "privacy/member_erased.html", {"result": result})
    else:
        error = "Tick the box to confirm."
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return render(
        request,
        "privacy/members.html",
        {"memberships": memberships, "erase_form": form, "error": error, "failed": member.pk},
        status=422,
    )


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    if request.GET.get("download") == "1":
        response = HttpResponse(
            members.my_data_export(user=request.user), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="my-execlave-data.json"'
        return response
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(request, "privacy/me.html", {"memberships": memberships})
