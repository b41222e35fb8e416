"""A guide page and the browse page cost a fixed number of queries, whatever the number of materials,
steps, offices or guides, and hot pages make no lazy loads (Django's fetch mode that raises)."""

import django.db.models.query
import pytest
from django.core.cache import cache
from django.core.exceptions import FieldFetchBlocked
from django.core.files.base import ContentFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model

from cityportal.procedures.models import FeeKind, ProcedurePage
from cityportal.procedures.tests.factories import (
    OfficeFactory,
    ProcedurePageFactory,
    material,
    step,
    translate,
)
from cityportal.procedures.tests.sample_guides import add_plain_guides, build_guides

GUIDE_PAGE_BUDGET = 15  # issue 4: a guide page with at most 15 queries uncached


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def guides(portal):
    return build_guides(portal, ("en", "fr", "ar"))


@pytest.fixture
def lazy_loads_raise(monkeypatch):
    """Every queryset made during the test raises on a lazy load (a deferred field or a foreign key
    that was not selected) instead of quietly querying once per object."""
    monkeypatch.setattr(django.db.models.query, "DEFAULT_FETCH_MODE", models.FETCH_RAISE)


def test_the_fetch_mode_fixture_catches_a_lazy_load(guides, lazy_loads_raise):
    guide = ProcedurePage.objects.only("id").get(pk=guides.permit["en"].pk)
    with pytest.raises(FieldFetchBlocked):
        guide.summary  # noqa: B018 - the access is the test


def document(name: str):
    content = b"%PDF-1.7\n" + b"0" * 2000
    # The admin's upload form records the size; a link then never has to open the file.
    return get_document_model().objects.create(
        title=name, file=ContentFile(content, name=f"{name}.pdf"), file_size=len(content)
    )


def guide_of_size(guides, size: int, item_code: str):
    """A guide with `size` materials (each with a blank form and a sample), steps, offices and fees."""
    blank, sample = document("blank"), document("sample")
    source = ProcedurePageFactory(
        parent=guides.index["zh-hans"],
        item_code=item_code,
        materials=[material(n, blank_form=blank, sample=sample) for n in range(size)],
        steps=[step(n) for n in range(size)],
        offices=[OfficeFactory() for _ in range(size)],
        sections=["work", "live"],
        audiences=["employees", "students"],
        related=[("procedure", guides.permit["zh-hans"]), ("procedure", guides.residence["zh-hans"])],
        fee_kind=FeeKind.LISTED,
        fees=[("fee", {"label": f"费用{n}", "amount": "100.00", "note": ""}) for n in range(size)],
    )
    return translate(source, "en", title=f"Guide {item_code}")


def first_view_queries(client, url: str, warm_url: str) -> int:
    """Queries of a page's first view once the language's shared caches (header, footer, Site,
    journeys) are warm. The first request of this test tree also creates the portal settings,
    which changes the site version: hence two warming requests."""
    cache.clear()
    client.get(warm_url)
    client.get(warm_url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_guide_page_queries_do_not_grow_with_materials_steps_and_offices(
    client, guides, django_assert_num_queries
):
    small = guide_of_size(guides, 2, "small-guide")
    large = guide_of_size(guides, 6, "large-guide")
    warm_url = guides.permit["en"].url

    small_count = first_view_queries(client, small.url, warm_url)
    large_count = first_view_queries(client, large.url, warm_url)
    assert small_count == large_count
    assert large_count <= GUIDE_PAGE_BUDGET

    html = client.get(large.url).content.decode()
    assert html.count('class="material"') == 6
    assert html.count('class="office-card"') == 6
    assert html.count('class="steps__step"') == 6
    with django_assert_num_queries(5):  # warm: routing and the locale; the body comes from the cache
        client.get(large.url)


def test_guide_page_stays_within_budget_with_every_cache_cold(client, guides):
    guides_url = guides.permit["en"].url
    client.get(guides_url)  # creates the test tree's portal settings (a site version change)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(guides_url)
    # Header, footer, Site and journeys rebuilt too: the shared caches cost a few more once per language
    # (since issue 6 also the feed links, the active notices and the out-of-date translations).
    assert len(queries) <= GUIDE_PAGE_BUDGET + 12


BROWSE_QUERIES = ["", "?section=work", "?audience=students&department=beijing-hr&sort=reviewed&page=2"]


def test_browse_page_queries_do_not_grow_with_the_number_of_guides(client, guides):
    index = guides.index["en"]
    add_plain_guides(index, 10)
    warm_url = guides.permit["en"].url
    with_ten = [first_view_queries(client, index.url + query, warm_url) for query in BROWSE_QUERIES]
    add_plain_guides(index, 290, start=10)
    with_three_hundred = [first_view_queries(client, index.url + query, warm_url) for query in BROWSE_QUERIES]
    assert with_ten == with_three_hundred
    html = client.get(index.url).content.decode()
    assert "302 guides" in html  # the two sample guides and 300 more
    assert html.count('class="guide-list__item"') == 20


@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/guides/work-permit/",
        "/{lang}/guides/",
        "/{lang}/guides/?section=work&audience=employees&sort=reviewed",
        "/{lang}/journeys/",
        "/{lang}/journeys/start-working/",
        "/{lang}/guides/finder/?purpose=work&family=yes&answered=1",
        "/{lang}/work/",
    ],
)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_hot_pages_render_without_lazy_loads(client, guides, lazy_loads_raise, path, language):
    url = path.format(lang=language)
    cache.clear()
    for _ in range(2):  # cold, then warm
        response = client.get(url)
        assert response.status_code == 200, url
