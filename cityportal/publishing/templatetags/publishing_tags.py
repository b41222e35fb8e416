"""Template tags of the publishing app: the notice on an out-of-date translation."""

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language
from wagtail.models import Page

from cityportal.core import i18n
from cityportal.core.site_version import site_version

from .. import translation_status

register = template.Library()

NOT_OUT_OF_DATE = "current"  # cached for pages without a notice (None would read as a cache miss)


@dataclass(frozen=True)
class VersionLink(i18n.LanguageTagged):
    language: str
    url: str

    @property
    def name(self) -> str:
        return i18n.language_name(self.language)


@dataclass(frozen=True)
class TranslationNotice:
    since: datetime  # when the Chinese page was published with text this translation lacks
    source: VersionLink
    up_to_date: VersionLink | None  # the newest up-to-date translation in another language


@register.simple_tag(takes_context=True)
def translation_notice(context, page) -> TranslationNotice | None:
    """The notice for a translation that is out of date; None on the Chinese page and on current ones.

    Which pages are out of date is one query shared by every page, and each notice one more query for
    its page; both are kept in the cache until the next publish (the site version)."""
    request = context.get("request")
    if not isinstance(page, Page) or request is None or get_language() == translation_status.SOURCE_LANGUAGE:
        return None
    if getattr(request, "is_preview", False):
        return build_notice(page, request)
    version = site_version()
    if page.pk not in out_of_date_page_ids(version):
        return None
    key = f"cityportal:translation-notice:{version}:{page.pk}:{request.scheme}:{request.get_host()}"
    notice = cache.get(key)
    if notice is None:
        notice = build_notice(page, request) or NOT_OUT_OF_DATE
        cache.set(key, notice, timeout=600)
    return None if notice == NOT_OUT_OF_DATE else notice


def out_of_date_page_ids(version: int) -> frozenset[int]:
    key = f"cityportal:out-of-date-pages:{version}"
    ids = cache.get(key)
    if ids is None:
        ids = translation_status.out_of_date_page_ids()
        cache.set(key, ids, timeout=600)
    return ids


def build_notice(page: Page, request) -> TranslationNotice | None:
    found, family = translation_status.out_of_date(page)
    if found is None:
        return None

    def link(version) -> VersionLink:
        return VersionLink(version.language, family[version.page_id].get_url(request))

    return TranslationNotice(
        since=found.since,
        source=link(found.source),
        up_to_date=link(found.newest_up_to_date) if found.newest_up_to_date else None,
    )


@register.simple_tag(takes_context=True)
def submit_for_review_url(context, page) -> str:
    """The admin address of "Submit translation for review" for a synced translation the user may edit
    ("" otherwise): for wagtail-localize's translation editor, whose own buttons only publish."""
    from ..translation_review import may_submit_for_review  # admin-only code, kept out of public pages

    request = context.get("request")
    if request is None or not isinstance(page, Page) or not may_submit_for_review(page, request.user):
        return ""
    return reverse("publishing_translations:submit_for_review", args=[page.pk])
