"""Factories for the page tree. Page factories take a parent; `translate` adds a language version."""

import factory
from wagtail.models import Locale, Page, Site

from cityportal.core.sections import Section
from cityportal.home.models import ContentPage, HomePage, SectionPage


class PageFactory(factory.django.DjangoModelFactory):
    """Creates a published page under `parent` (the tree root when none is given)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        page = model_class(*args, **kwargs)
        (parent or Page.get_first_root_node()).add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page


class HomePageFactory(PageFactory):
    class Meta:
        model = HomePage

    title = "北京国际"
    slug = "home"
    portal_name = "北京国际"
    host_organisation = "北京市人民政府（示例）"
    intro = "为外国朋友提供办事指南和服务。"


class SectionPageFactory(PageFactory):
    class Meta:
        model = SectionPage

    section = factory.Iterator(Section.values)
    slug = factory.LazyAttribute(lambda page: page.section)
    title = factory.LazyAttribute(lambda page: f"栏目 {page.section}")
    summary = "栏目简介。"
    show_in_menus = True


class ContentPageFactory(PageFactory):
    class Meta:
        model = ContentPage

    title = factory.Sequence(lambda n: f"内容页 {n}")
    slug = factory.Sequence(lambda n: f"content-{n}")
    summary = "一段摘要。"
    body = factory.LazyFunction(lambda: [("paragraph", "<p>正文。</p>")])


def translate(page: Page, language: str, **fields) -> Page:
    """Publish a translation of `page` in `language`, with the given field values."""
    locale = Locale.objects.get(language_code=language)
    translation = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


def make_site(home: HomePage) -> Site:
    Site.objects.all().delete()
    return Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
