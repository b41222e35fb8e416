"""Error pages speak the visitor's language; the 500 page needs no database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import translation

from cityportal.core.views import server_error


def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("<str:language>/broken/", failing_view)]
handler500 = "cityportal.core.views.server_error"


@pytest.mark.urls("cityportal.core.tests.test_error_pages")
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("ja", "ltr"), ("zh-hans", "ltr")])
def test_server_error_page_is_localised_and_touches_no_database(client, rf, db, language, direction):
    client.raise_request_exception = False
    response = client.get(f"/{language}/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    lang = "zh-Hans" if language == "zh-hans" else language
    assert f'<html lang="{lang}" dir="{direction}">' in html
    with translation.override(language):
        title = translation.gettext("Service temporarily unavailable")
    assert title != "Service temporarily unavailable"
    assert title in html
    with CaptureQueriesContext(connection) as queries:  # the database may be what failed
        assert server_error(rf.get(f"/{language}/broken/")).status_code == 500
    assert len(queries) == 0


def test_server_error_without_a_language_prefix_is_in_english(rf):
    response = server_error(rf.get("/healthz-broken"))
    assert response.status_code == 500
    assert '<html lang="en" dir="ltr">' in response.content.decode()


@pytest.mark.django_db
def test_a_mistyped_admin_address_is_a_404_not_a_redirect_to_the_public_site(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.org", "pw"))
    response = client.get("/admin/no-such-screen/")
    assert response.status_code == 404
    assert client.get("/api/v1/no-such-endpoint/").status_code == 404


@pytest.mark.django_db
def test_a_public_address_without_language_still_redirects_to_the_prefixed_one(client, portal):
    response = client.get("/work/")
    assert response.status_code == 302
    assert response["Location"].endswith("/work/")
