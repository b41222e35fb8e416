"""The page types editors build each language tree from."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cityportal.home.models import ContentPage, HomePage, SectionPage
from cityportal.home.tests.factories import ContentPageFactory, translate


class PageTypeRulesTest(WagtailPageTestCase):
    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedParentPageTypes(SectionPage, {HomePage})
        self.assertAllowedSubpageTypes(SectionPage, {ContentPage})
        self.assertAllowedParentPageTypes(ContentPage, {HomePage, SectionPage, ContentPage})

    def test_every_page_type_renders(self):
        for page in (HomePage.objects.first(), SectionPage.objects.first(), ContentPage.objects.first()):
            self.assertPageIsRenderable(page)


def test_slugs_must_be_ascii(portal):
    page = ContentPage(title="工作许可", slug="工作许可", body=[])
    with pytest.raises(ValidationError) as error:
        portal.sections["work"]["zh-hans"].add_child(instance=page)
    assert "slug" in error.value.message_dict


def test_translations_share_the_source_slug(portal):
    source = ContentPageFactory(parent=portal.sections["live"]["zh-hans"], slug="banking", title="银行")
    arabic = translate(source, "ar", title="البنوك")
    assert arabic.slug == "banking"
    assert arabic.url == "/ar/live/banking/"


def test_a_renamed_page_leaves_a_permanent_redirect(client, portal, django_capture_on_commit_callbacks):
    page = portal.guide["en"]
    assert client.get("/en/work/work-permit/").status_code == 200
    page.slug = "work-permits"
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail creates redirects on commit
        page.save_revision().publish()
    assert client.get("/en/work/work-permits/").status_code == 200
    old = client.get("/en/work/work-permit/")
    assert old.status_code == 301
    assert old["Location"].endswith("/en/work/work-permits/")


def test_a_moved_page_leaves_a_permanent_redirect(client, portal):
    page = portal.guide["en"]
    page.move(portal.sections["live"]["en"], pos="last-child")
    assert client.get("/en/live/work-permit/").status_code == 200
    old = client.get("/en/work/work-permit/")
    assert old.status_code == 301
    assert old["Location"].endswith("/en/live/work-permit/")


def test_section_page_lists_its_children_in_its_own_language(client, portal):
    html = client.get("/en/work/").content.decode()
    assert "Work permit" in html
    assert "内容页" not in html  # the Chinese source is not mixed into the English listing


def test_one_section_page_per_section_and_language(portal):
    twin = SectionPage(
        title="Work again", slug="work-again", section="work", locale=portal.homes["en"].locale
    )
    with pytest.raises(ValidationError):
        portal.homes["en"].add_child(instance=twin)
