from django.urls import path

from .views import dashboard, onboarding, pages
from .wizard import trial
from .wizard import views as wizard

app_name = "console"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/verify/", dashboard.integrity_verify, name="verify"),
    path("signup/", onboarding.signup, name="signup"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
    path("onboarding/agent/", onboarding.onboarding_agent, name="onboarding-agent"),
    path("onboarding/key/", onboarding.onboarding_key, name="onboarding-key"),
    path("onboarding/first-call/", onboarding.onboarding_first_call, name="onboarding-first-call"),
    path("policies/new/", wizard.wizard, name="policy-new"),
    path("policies/<int:pk>/edit/", wizard.wizard, name="policy-edit"),
    path("policies/new/settings/", wizard.wizard_settings, name="policy-settings"),
    path("policies/new/test/", trial.test_panel, name="policy-test"),
    path("policies/new/dry-run/", trial.dry_run_panel, name="policy-dry-run"),
    path("policies/dry-run/<str:run_id>/", trial.dry_run_poll, name="policy-dry-run-poll"),
    path("docs/", pages.docs_index, name="docs"),
    path("docs/<slug:slug>/", pages.docs_guide, name="docs-guide"),
    path("help/", pages.help_page, name="help"),
    path("security/", pages.security_page, name="security"),
    path("privacy-notice/", pages.privacy_page, name="privacy"),
    path(".well-known/security.txt", pages.security_txt, name="security-txt"),
    path("favicon.ico", pages.favicon, name="favicon"),
]
