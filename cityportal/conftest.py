"""Fixtures shared by every app's tests: the nine locales and a small translated page tree."""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Locale, Page

from cityportal.core.sections import Section
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.home.models import ContentPage, HomePage, SectionPage
from cityportal.home.tests.factories import (
    ContentPageFactory,
    HomePageFactory,
    SectionPageFactory,
    make_site,
    translate,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATED = [code for code in LANGUAGES if code != settings.LANGUAGE_CODE]


@dataclass
class Portal:
    """The tree the `portal` fixture builds, by language code."""

    homes: dict[str, HomePage] = field(default_factory=dict)
    sections: dict[str, dict[str, SectionPage]] = field(default_factory=dict)  # section -> language -> page
    # A page under Work that exists only in Chinese and English, to test the switcher's fallback.
    guide: dict[str, ContentPage] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _english_by_default():
    # Outside a request Django would use LANGUAGE_CODE (Chinese); tests read English unless they
    # choose a language (requests take theirs from the URL prefix).
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """Django's test client, asking for English: the admin (never language-prefixed) otherwise
    speaks the portal's source language, Chinese. Public pages take their language from the URL."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def locales(db):
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}


def build_portal() -> Portal:
    """Create the tree (about 60 pages). The suite builds it once, in django_db_setup."""
    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    Page.objects.filter(depth=2).delete()  # Wagtail's welcome page
    portal = Portal()
    home = HomePageFactory()
    make_site(home)
    portal.homes[settings.LANGUAGE_CODE] = home
    for code in TRANSLATED:
        portal.homes[code] = translate(home, code, title=f"Home {code}", portal_name=f"Portal {code}")
    for section in Section.values:
        source = SectionPageFactory(parent=home, section=section, title=f"栏目 {section}")
        portal.sections[section] = {settings.LANGUAGE_CODE: source}
        for code in TRANSLATED:
            portal.sections[section][code] = translate(source, code, title=f"{section.title()} ({code})")
    guide = ContentPageFactory(parent=portal.sections["work"][settings.LANGUAGE_CODE], slug="work-permit")
    portal.guide = {settings.LANGUAGE_CODE: guide, "en": translate(guide, "en", title="Work permit")}
    return portal


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Building the translated tree takes seconds, so it is built once and every test runs inside a
    # transaction that is rolled back. Transactional tests (the browser tests) flush the database
    # and build their own tree; pytest-django runs them after the others.
    with django_db_blocker.unblock():
        build_portal()
        # Saving pages queued Wagtail's search and reference index updates (core.taskqueue): run them,
        # so the shared tree starts indexed and with an empty task queue.
        run_queued_tasks()


def load_portal() -> Portal:
    portal = Portal()
    for home in HomePage.objects.select_related("locale"):
        portal.homes[home.locale.language_code] = home
    for page in SectionPage.objects.select_related("locale"):
        portal.sections.setdefault(page.section, {})[page.locale.language_code] = page
    for page in ContentPage.objects.filter(slug="work-permit").select_related("locale"):
        portal.guide[page.locale.language_code] = page
    return portal


@pytest.fixture
def portal(db) -> Portal:
    return load_portal()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from cityportal.core.tests.browser import CHROMIUM, CHROMIUM_ARGS, require_browser_tools

    require_browser_tools()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A tab for axe-core checks: CSP is bypassed so axe can be injected (CSP is tested elsewhere)."""
    from cityportal.core.tests.browser import new_tab

    context, tab = new_tab(browser, bypass_csp=True)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The portal with the test tree, served on 127.0.0.1 in its own process."""
    from cityportal.core.tests.browser import portal_server

    with portal_server(tmp_path_factory.mktemp("portal")) as base_url:
        yield base_url


@pytest.fixture
def private_storage(tmp_path, settings):
    """The "private" storage (question attachments) in a temporary folder, emptied after the test."""
    from django.core.files.storage import storages

    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    storages._storages.pop("private", None)  # settings_changed resets the handler; be sure
    # A FileField resolves a callable storage once, when the model class is made: point it here too.
    from cityportal.consultations.models import QuestionAttachment

    field = QuestionAttachment._meta.get_field("file")
    original = field.storage
    field.storage = storages["private"]
    yield location
    field.storage = original
    storages._storages.pop("private", None)
