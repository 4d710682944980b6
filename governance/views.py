from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .middleware import SESSION_KEY
from .selectors import organisations_for


@login_required
@require_POST
def organisation_switch(request):
    """Choose which of the user's organisations the screens show."""
    chosen = request.POST.get("organisation", "")
    org = (
        organisations_for(user=request.user).filter(pk=chosen).first() if chosen.isdigit() else None
    )
    if org is None:
        raise Http404("No such organisation of yours.")
    request.session[SESSION_KEY] = org.pk
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return HttpResponseRedirect(next_url)
