"""Django forms of the privacy screens. They only shape input; the services validate and act."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from governance.identifiers import normalise
from governance.models import DataSubjectRequest, IdentifierType, Jurisdiction, Membership
from governance.roles import ORGANISATION_WIDE_ROLES
from governance.widgets import IsoDateInput

User = get_user_model()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.email or obj.get_username()


def handlers_for(organisation):
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role__in=ORGANISATION_WIDE_ROLES
    ).order_by("username")


class IntakeForm(forms.Form):
    kind = forms.ChoiceField(choices=DataSubjectRequest.Kind.choices)
    jurisdiction = forms.ChoiceField(choices=Jurisdiction.choices, initial=Jurisdiction.GDPR)
    received_on = forms.DateField(
        required=False,
        widget=IsoDateInput(),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
        help_text="When the request reached you (the deadline runs from it). Empty: today.",
    )
    emails = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "ann@example.com"}),
        help_text="One per line.",
    )
    phones = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "+1 (909) 451-3674"}),
        help_text="One per line, any format; without a country code read as US.",
    )
    customer_ids = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "C-1001"}),
        help_text="One per line, matched exactly (case-sensitive).",
    )
    other = forms.CharField(
        required=False,
        label="Other identifiers",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "loyalty_number = LN-55512"}),
        help_text="One “name = value” per line.",
    )
    handled_by = HandlerChoiceField(queryset=User.objects.none(), required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handled_by"].queryset = handlers_for(organisation)

    def clean(self):
        cleaned = super().clean()
        identifiers = []
        for name, kind in (
            ("emails", IdentifierType.EMAIL),
            ("phones", IdentifierType.PHONE),
            ("customer_ids", IdentifierType.CUSTOMER_ID),
        ):
            for number, value in enumerate(_lines(cleaned.get(name)), start=1):
                # Checked here, on its own field and line: the service's "#4: …" counted the
                # e-mails, phones and ids as one list, so "#4" could be the first phone.
                try:
                    normalise(kind, value)
                except ValidationError as exc:
                    self.add_error(name, f"Line {number} (“{value}”): {' '.join(exc.messages)}")
                    continue
                identifiers.append({"type": kind, "value": value})
        for line in _lines(cleaned.get("other")):
            key, sep, value = line.partition("=")
            if not sep or not value.strip():
                self.add_error("other", f"“{line}”: write it as name = value.")
                continue
            identifiers.append(
                {"type": IdentifierType.OTHER, "key": key.strip(), "value": value.strip()}
            )
        if not identifiers and not self.errors:
            raise ValidationError("Give at least one identifier of the data subject.")
        cleaned["identifiers"] = identifiers
        return cleaned


class VerifyForm(forms.Form):
    how = forms.CharField(
        label="How was the identity verified?",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "Replied from the address on file"}),
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the extension (tell the subject)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(forms.Form):
    handler = HandlerChoiceField(queryset=User.objects.none(), label="Handled by")

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers_for(organisation)


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the rejection", widget=forms.Textarea(attrs={"rows": 2})
    )


class EraseForm(forms.Form):
    whole_payloads = forms.BooleanField(
        required=False,
        label="Erase the whole input and output of each matching entry (not just the values)",
    )
    confirm = forms.BooleanField(
        label="I reviewed the preview; this cannot be undone.",
        error_messages={"required": "Tick the box to confirm after reviewing the preview."},
    )


class RectifyForm(forms.Form):
    incorrect = forms.CharField(label="Incorrect value, as it appears", max_length=254)
    correct = forms.CharField(label="Correct value", max_length=254)
    statement = forms.CharField(
        required=False, label="Statement", widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectionForm(forms.Form):
    measures = forms.CharField(
        label="Measures taken (processing stopped or restricted, where)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BundleForm(forms.Form):
    pass


class MemberEraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="Delete this person's account and pseudonymise their audit rows.",
        error_messages={"required": "Tick the box to confirm."},
    )


def member_choices(organisation):
    return Membership.objects.filter(organisation=organisation).select_related("user")
