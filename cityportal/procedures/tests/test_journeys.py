"""Step-by-step journeys: their own pages, and the "you are here" sidebar on the guides they name."""

import re

import pytest

from cityportal.procedures.journeys_map import language_journeys
from cityportal.procedures.tests.factories import JourneyPageFactory, ProcedurePageFactory, translate
from cityportal.procedures.tests.sample_guides import build_guides


@pytest.fixture
def guides(portal):
    return build_guides(portal, ("en", "fr"))


def journey_nav(client, url: str) -> str:
    html = client.get(url).content.decode()
    match = re.search(r'<nav class="journey-nav".*?</nav>', html, re.S)
    return match.group(0) if match else ""


def test_guide_shows_its_journey_with_you_are_here_on_its_step(client, guides):
    nav = journey_nav(client, "/fr/guides/work-permit/")
    assert 'href="/fr/journeys/start-working/"' in nav
    assert "Commencer à travailler à Pékin" in nav
    current = re.findall(r'<a href="([^"]+)" aria-current="step">', nav)
    assert current == ["/fr/journeys/start-working/#step-1"]
    assert nav.count("journey-nav__here") == 1

    nav = journey_nav(client, "/fr/guides/residence-permit-work/")
    assert re.findall(r'<a href="([^"]+)" aria-current="step">', nav) == [
        "/fr/journeys/start-working/#step-2"
    ]


def test_guide_in_no_journey_has_no_sidebar(client, guides):
    alone = ProcedurePageFactory(parent=guides.index["zh-hans"], item_code="alone")
    translate(alone, "en", title="Alone")
    assert journey_nav(client, "/en/guides/alone/") == ""


def test_journey_page_numbers_its_steps_and_links_guides_in_its_language(client, guides):
    chinese_only = ProcedurePageFactory(parent=guides.index["zh-hans"], item_code="chinese-only")
    journey = guides.journey["zh-hans"]
    journey.steps = [
        ("step", {"title": "办理工作许可", "description": "", "procedures": [guides.permit["zh-hans"]]}),
        (
            "step",
            {
                "title": "办理居留许可",
                "description": "入境后30日内",
                "procedures": [guides.residence["zh-hans"], chinese_only],
            },
        ),
    ]
    journey.save_revision().publish()
    french = guides.journey["fr"]
    french.steps = journey.steps
    french.save_revision().publish()

    html = client.get("/fr/journeys/start-working/").content.decode()
    steps = re.findall(
        r'<li class="step-by-step__step" id="(step-\d)">(.*?)</li>\s*(?=<li class="step-by|</ol>)',
        html,
        re.S,
    )
    assert [anchor for anchor, _body in steps] == ["step-1", "step-2"]
    assert 'href="/fr/guides/work-permit/"' in steps[0][1]
    assert 'href="/fr/guides/residence-permit-work/"' in steps[1][1]
    assert "Titre de séjour pour le travail" in steps[1][1]
    assert "入境后30日内" in steps[1][1]
    assert "chinese-only" not in html  # not translated into French: left out rather than sent to Chinese


def test_journey_index_lists_the_languages_journeys(client, guides):
    html = client.get("/en/journeys/").content.decode()
    assert 'href="/en/journeys/start-working/"' in html
    assert "Start working in Beijing" in html


def test_journeys_are_worked_out_once_per_language_until_something_is_published(
    rf, guides, django_assert_num_queries
):
    request = rf.get("/en/guides/work-permit/")
    locale_id = guides.permit["en"].locale_id
    guides.permit["en"].get_url(request)  # Wagtail's own cache of the site's root paths
    with django_assert_num_queries(2):  # the language's journeys, then their guides' translation keys
        first = language_journeys(locale_id, request)
    with django_assert_num_queries(0):
        assert language_journeys(locale_id, request) == first

    second = JourneyPageFactory(
        parent=guides.journeys["zh-hans"],
        slug="bring-family",
        steps=[("办理居留许可", [guides.residence["zh-hans"]])],
    )
    translate(second, "en", title="Move to Beijing with your family")  # publishing changes the site version
    titles = [journey.title for journey in language_journeys(locale_id, request)]
    assert titles == ["Start working in Beijing", "Move to Beijing with your family"]
