from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils.html import format_html

from .selectors import organisations_for


class MemberLoginForm(AuthenticationForm):
    """Admin login for members whose role opens the console (Django's form asks for is_staff)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "E-mail"  # members sign in with their e-mail address

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not (
            user.is_superuser or organisations_for(user=user, capability="admin.access").exists()
        ):
            # A link, not a path to retype: reviewers land here from a bookmark or the docs.
            raise forms.ValidationError(
                format_html(
                    'Your role does not open the console. Reviewers work the <a href="{}">'
                    "approval queue</a>.",
                    reverse("approvals:queue"),
                ),
                code="no_console_role",
            )
