"""A wrong address answers Execlave's own 404 page (templates/404.html), not Django's bare "Not
Found"; the API keeps its JSON errors. (Under DEBUG, as in `make run`, Django's technical page
lists the URL patterns instead: docs/configuration.md.)"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _get(url: str) -> urllib.error.HTTPError:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310 - loopback
    return error.value


def test_a_wrong_address_gets_the_branded_page_over_real_http(asgi_server):
    error = _get(f"{asgi_server.url}/no-such-page/")
    assert error.code == 404 and error.headers["Content-Type"].startswith("text/html")
    page = error.read().decode()
    assert "<title>Page not found · Execlave</title>" in page
    assert "There is no page at this address" in page and "<code>/no-such-page/</code>" in page
    assert 'href="/"' in page and "Sign in" in page  # the site's header, for a visitor
    assert "Resolver404" not in page and "Not Found</h1>" not in page

    error = _get(f"{asgi_server.url}/api/v1/no-such-endpoint/")
    assert error.code == 404 and error.headers["Content-Type"] == "application/json"
    assert json.loads(error.read()) == {"errors": {"detail": ["Not found."]}}


def test_a_member_gets_the_page_with_the_view_s_reason(client, owner):
    client.force_login(owner)
    response = client.get("/admin/traces/ledgerentry/999999/change/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no page at this address" in page
    assert "No such object in your organisation." in page  # the view's own message
    assert 'href="/dashboard/"' in page and "alice@acme.test" in page
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Resolver404" not in response.content.decode()


@override_settings(ROOT_URLCONF="tests.console.urls_failing", DEBUG=False)
def test_a_server_error_gets_the_branded_page_and_the_api_json(client, owner):
    client.raise_request_exception = False  # as a user's browser sees it
    client.force_login(owner)
    response = client.get("/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<title>Something went wrong · Execlave</title>" in page
    assert "Something went wrong on our side" in page and 'href="/"' in page
    assert "RuntimeError" not in page and "a bug in a view" not in page  # nothing of the code leaks
    response = client.get("/api/v1/fails/")
    assert response.status_code == 500 and response.json() == {
        "errors": {"detail": ["Server error."]}
    }
