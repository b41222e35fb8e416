"""The editors' side of search in the admin: the Search menu, synonyms, promoted results and the
report of searches that found nothing, with its export, deletion and retention."""

import csv
import datetime
import io
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu, settings_menu
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.users.models import UserProfile

from cityportal.search import services
from cityportal.search.models import SearchSynonym, ZeroResultQuery
from cityportal.search.privacy import RETENTION_CLASS

from .factories import SearchSynonymFactory, guide_in, index_queued, work_permit_guide

pytestmark = pytest.mark.django_db

SYNONYMS = reverse("search_synonyms:index")
ADD_SYNONYM = reverse("search_synonyms:add")
FOUND_NOTHING = reverse("search_zero_results:index")
DELETE_LISTED = reverse("search_zero_results:delete_listed")


def staff_member(django_user_model, name: str, *codenames: str):
    """A user of the admin holding the given model permissions ("app_label.codename")."""
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    group = Group.objects.create(name=f"{name} group")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for permission in codenames:
        app_label, codename = permission.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    user.groups.add(group)
    UserProfile.objects.create(user=user, preferred_language="en")
    return user


@pytest.fixture
def admin_client(client, django_user_model):
    chief = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")
    UserProfile.objects.create(user=chief, preferred_language="en")
    client.force_login(chief)
    return client


def menu_names(user) -> dict[str, set[str]]:
    """The main menu's items, and for the Search menu its items, as the user's sidebar shows them."""
    request = RequestFactory().get("/admin/")
    request.user = user
    items = admin_menu.menu_items_for_request(request)
    shown = {"main": {item.name for item in items}}
    search = next((item for item in items if item.name == "search"), None)
    shown["search"] = {item.name for item in search.menu.menu_items_for_request(request)} if search else set()
    shown["settings"] = {item.name for item in settings_menu.menu_items_for_request(request)}
    return shown


@pytest.fixture
def visitor():
    """Someone searching the public site (not logged in, unlike `admin_client`)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def results_page(visitor: Client, query: str, language: str = "en") -> str:
    return visitor.get(f"/{language}/search/", {"q": query}).content.decode()


def found(visitor: Client, query: str, page) -> bool:
    """Whether the results page links to the page (titles are shown with the matched words marked)."""
    return f'href="{page.url}"' in results_page(visitor, query)


# --- The Search menu --------------------------------------------------------------------------------


def test_the_search_menu_holds_synonyms_promoted_results_and_searches_that_found_nothing(
    django_user_model,
):
    chief = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")
    shown = menu_names(chief)
    assert shown["search"] == {"synonyms", "promoted-search-results", "searches-that-found-nothing"}
    # Moved, not copied: editors find promoted results in one place.
    assert "promoted-search-results" not in shown["settings"]


def test_an_editor_sees_only_the_parts_of_search_their_permissions_allow(django_user_model):
    promoter = staff_member(django_user_model, "promoter", "wagtailsearchpromotions.add_searchpromotion")
    reader = staff_member(django_user_model, "reader", "search.view_zeroresultquery")
    nobody = staff_member(django_user_model, "nobody")

    assert menu_names(promoter)["search"] == {"promoted-search-results"}
    assert menu_names(reader)["search"] == {"searches-that-found-nothing"}
    assert "search" not in menu_names(nobody)["main"]


def test_an_editor_without_permissions_cannot_open_the_search_admin(client, django_user_model):
    client.force_login(staff_member(django_user_model, "nobody"))
    for url in (SYNONYMS, ADD_SYNONYM, FOUND_NOTHING, DELETE_LISTED):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:  # Wagtail sends users without permission to the dashboard
            assert response.url == reverse("wagtailadmin_home"), url


# --- Synonyms ---------------------------------------------------------------------------------------


def test_a_synonym_saved_in_the_admin_makes_a_search_find_the_guide(admin_client, visitor, portal):
    guide = work_permit_guide(portal, languages=["en"])["en"]
    index_queued()
    assert not found(visitor, "job licence", guide)

    response = admin_client.post(
        ADD_SYNONYM, {"language": "en", "terms": "job licence, work permit", "note": "Visitors' words"}
    )

    assert response.status_code == 302
    assert found(visitor, "job licence", guide)
    # The group belongs to English only.
    assert services.search("job licence", "fr", log=False).total == 0


def test_deleting_a_synonym_in_the_admin_stops_it_matching(admin_client, visitor, portal):
    guide = work_permit_guide(portal, languages=["en"])["en"]
    index_queued()
    synonym = SearchSynonymFactory(language="en", terms="job licence, work permit")
    assert found(visitor, "job licence", guide)

    response = admin_client.post(reverse("search_synonyms:delete", args=[synonym.pk]))

    assert response.status_code == 302
    assert not found(visitor, "job licence", guide)


def test_moving_a_synonym_to_another_language_takes_effect_in_both(admin_client, portal):
    guide_in(portal, {"zh-hans": {"title": "驾驶证换领"}, "en": {"title": "Exchange a driving licence"}})
    index_queued()
    synonym = SearchSynonymFactory(language="fr", terms="driver license, driving licence")
    assert services.search("driver license", "en", log=False).total == 0

    admin_client.post(
        reverse("search_synonyms:edit", args=[synonym.pk]),
        {"language": "en", "terms": "driver license, driving licence", "note": ""},
    )

    assert services.search("driver license", "en", log=False).hits[0].document.title == (
        "Exchange a driving licence"
    )


def test_a_chinese_group_typed_with_full_width_commas_is_stored_as_separate_words(admin_client):
    admin_client.post(ADD_SYNONYM, {"language": "zh-hans", "terms": "驾照，驾驶证、车本", "note": ""})
    assert SearchSynonym.objects.get().terms == "驾照, 驾驶证, 车本"


@pytest.mark.parametrize(
    ("language", "terms", "message"),
    [
        ("en", "permit, permits, Permit", "Give at least two different words or phrases"),
        ("en", "visa", "Give at least two different words or phrases"),
        ("en", "visa, " + "residence " * 12, "is longer than 100 characters"),
        ("ar", "تأشيرة, ؟!", "has no letters or digits that search could match"),
        ("xx", "visa, permit", "Select a valid choice"),
    ],
)
def test_a_synonym_group_search_cannot_use_is_refused_with_the_reason(admin_client, language, terms, message):
    response = admin_client.post(ADD_SYNONYM, {"language": language, "terms": terms, "note": ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SearchSynonym.objects.exists()


def test_the_same_group_twice_in_one_language_is_refused_but_another_language_may_have_it(admin_client):
    SearchSynonymFactory(language="en", terms="visa, residence permit")

    twice = admin_client.post(
        ADD_SYNONYM, {"language": "en", "terms": "Residence permits, visas", "note": ""}
    )
    elsewhere = admin_client.post(
        ADD_SYNONYM, {"language": "fr", "terms": "visa, residence permit", "note": ""}
    )

    assert "This language already has the same synonyms: “visa, residence permit”" in twice.content.decode()
    assert elsewhere.status_code == 302
    assert SearchSynonym.objects.filter(language="en").count() == 1


def test_editing_a_group_does_not_count_as_its_own_duplicate(admin_client):
    synonym = SearchSynonymFactory(language="en", terms="visa, permit")
    response = admin_client.post(
        reverse("search_synonyms:edit", args=[synonym.pk]),
        {"language": "en", "terms": "visa, permit", "note": "x"},
    )
    assert response.status_code == 302


def test_the_synonyms_listing_filters_by_language(admin_client):
    SearchSynonymFactory(language="fr", terms="titre de séjour, carte de séjour")
    SearchSynonymFactory(language="de", terms="Gehalt, Lohn")

    html = admin_client.get(SYNONYMS, {"language": "fr"}).content.decode()

    assert "titre de séjour, carte de séjour" in html and "Gehalt" not in html
    assert "Français" in html


def test_an_editor_who_may_only_view_synonyms_cannot_add_one(client, django_user_model):
    client.force_login(staff_member(django_user_model, "viewer", "search.view_searchsynonym"))
    SearchSynonymFactory(language="en", terms="visa, permit")

    assert "visa, permit" in client.get(SYNONYMS).content.decode()
    client.post(ADD_SYNONYM, {"language": "en", "terms": "kids, children", "note": ""})
    assert SearchSynonym.objects.count() == 1


# --- Promoted results -------------------------------------------------------------------------------


def test_an_editor_promoted_page_comes_first_in_the_visitors_language(admin_client, visitor, portal):
    residence = guide_in(
        portal,
        {
            "zh-hans": {"title": "外国人居留许可"},
            "en": {"title": "Residence permit", "summary": "Stay in Beijing for work or study."},
        },
    )
    work = work_permit_guide(portal, languages=["en"])
    index_queued()
    # Editors promote the Chinese source page; English visitors get its English translation.
    response = admin_client.post(
        reverse("wagtailsearchpromotions:add"),
        {
            "query_string": "Permit",
            "editors_picks-TOTAL_FORMS": "1",
            "editors_picks-INITIAL_FORMS": "0",
            "editors_picks-MIN_NUM_FORMS": "0",
            "editors_picks-MAX_NUM_FORMS": "1000",
            "editors_picks-0-page": str(work["zh-hans"].pk),
            "editors_picks-0-description": "The permit most visitors need.",
            "editors_picks-0-ORDER": "0",
            "editors_picks-0-DELETE": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SearchPromotion.objects.count() == 1

    html = results_page(visitor, "permit")

    promoted = html.index(f'href="{work["en"].url}"')
    assert promoted < html.index(f'href="{residence["en"].url}"')
    assert "The permit most visitors need." in html
    assert f'href="{work["zh-hans"].url}"' not in html  # never the Chinese page on an English search


# --- Searches that found nothing -------------------------------------------------------------------


def logged(query: str, language: str, *, count: int = 1, days_ago: int = 0) -> ZeroResultQuery:
    row = ZeroResultQuery.objects.create(query=query, language=language, count=count)
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    ZeroResultQuery.objects.filter(pk=row.pk).update(first_seen=moment, last_seen=moment)
    return row


def test_a_search_that_found_nothing_appears_in_the_report_masked_and_counted(admin_client, visitor):
    for _ in range(2):
        results_page(visitor, "passport E12345678 zzqx")
    results_page(visitor, "zzqx kontakt@beispiel.org", language="de")

    english = admin_client.get(FOUND_NOTHING, {"language": "en"}).content.decode()

    assert "passport e00000000 zzqx" in english
    assert "E12345678" not in english and "12345678" not in english
    assert "[email]" not in english  # the German search is filtered out
    row = ZeroResultQuery.objects.get(language="en")
    assert row.count == 2
    german = admin_client.get(FOUND_NOTHING, {"language": "de"}).content.decode()
    assert "zzqx [email]" in german and "beispiel.org" not in german


def test_the_report_lists_the_searches_made_in_a_date_range(admin_client):
    logged("old search", "en", days_ago=40)
    logged("recent search", "en", days_ago=2)
    spanning = logged("still searched", "en", days_ago=40)
    ZeroResultQuery.objects.filter(pk=spanning.pk).update(last_seen=timezone.now())
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()

    html = admin_client.get(FOUND_NOTHING, {"searched_from": since}).content.decode()

    assert "recent search" in html and "still searched" in html
    assert "old search" not in html


def test_the_report_downloads_as_csv_a_spreadsheet_opens_safely(admin_client):
    logged("=HYPERLINK(0)", "en", count=3)
    logged("居留许可 000", "zh-hans", count=5)
    logged("Aufenthalt", "de")

    response = admin_client.get(FOUND_NOTHING, {"export": "csv", "ordering": "-count"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets then read Chinese and Arabic as UTF-8
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Query (digits and email addresses masked)", "Language", "Times searched"]
    assert [row[:3] for row in rows[1:]] == [
        ["居留许可 000", "简体中文", "5"],
        ["'=HYPERLINK(0)", "English", "3"],
        ["Aufenthalt", "Deutsch", "1"],
    ]


def test_the_csv_keeps_the_listings_filters(admin_client):
    logged("nur deutsch", "de")
    logged("english only", "en")
    response = admin_client.get(FOUND_NOTHING, {"export": "csv", "language": "de"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "nur deutsch" in body and "english only" not in body


def test_a_handled_search_is_deleted_from_the_report(admin_client):
    handled = logged("handled", "en")
    logged("still open", "en")

    response = admin_client.post(reverse("search_zero_results:delete", args=[handled.pk]))

    assert response.status_code == 302
    assert list(ZeroResultQuery.objects.values_list("query", flat=True)) == ["still open"]


def test_delete_listed_deletes_exactly_what_the_filters_list_after_asking(admin_client):
    logged("french one", "fr")
    logged("french two", "fr")
    logged("english stays", "en")

    confirm = admin_client.get(DELETE_LISTED, {"language": "fr"}).content.decode()
    assert "Delete the 2 searches" in confirm and "english stays" not in confirm
    assert ZeroResultQuery.objects.count() == 3  # asking deletes nothing

    response = admin_client.post(f"{DELETE_LISTED}?language=fr")

    assert response.status_code == 302
    assert response.url == f"{FOUND_NOTHING}?language=fr"
    assert list(ZeroResultQuery.objects.values_list("query", flat=True)) == ["english stays"]


def test_the_report_offers_delete_listed_with_its_filters(admin_client):
    logged("french one", "fr")
    html = admin_client.get(FOUND_NOTHING, {"language": "fr", "p": "1"}).content.decode()
    assert f"{DELETE_LISTED}?language=fr" in html


def test_an_editor_who_may_only_read_the_report_cannot_delete(client, django_user_model):
    client.force_login(staff_member(django_user_model, "reader", "search.view_zeroresultquery"))
    row = logged("kept", "en")

    html = client.get(FOUND_NOTHING).content.decode()
    assert "kept" in html and DELETE_LISTED not in html
    assert client.post(f"{DELETE_LISTED}?language=en").status_code in (302, 403)
    assert client.post(reverse("search_zero_results:delete", args=[row.pk])).status_code in (302, 403)
    assert ZeroResultQuery.objects.filter(pk=row.pk).exists()


# --- Retention --------------------------------------------------------------------------------------


def test_searches_not_repeated_within_the_retention_period_are_purged_daily(settings):
    assert RETENTION_CLASS in settings.RETENTION, (
        f'settings/base.py: RETENTION_DEFAULT_DAYS needs "{RETENTION_CLASS}": 365 (docs/privacy.md)'
    )
    period = settings.RETENTION[RETENTION_CLASS]
    logged("forgotten", "en", days_ago=period.days + 1)
    logged("searched again lately", "en", days_ago=period.days - 1)

    output = StringIO()
    call_command("purge_personal_data", stdout=output)

    assert f"{RETENTION_CLASS}: purged 1" in output.getvalue()
    assert list(ZeroResultQuery.objects.values_list("query", flat=True)) == ["searched again lately"]
