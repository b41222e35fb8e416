"""Where a page sits: its breadcrumbs and its versions in the other languages, in one query.

The language switcher, the hreflang alternates and the breadcrumbs all need the page's ancestors and
their translations. Ancestors' paths are prefixes of the page's materialised path, so a single query
with a sub-select fetches every translation of the page and of each ancestor.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Subquery
from wagtail.models import Page, Site

from . import i18n
from .site_version import site_version

ROOT_DEPTH = 1  # Wagtail's invisible tree root; language home pages sit at depth 2.


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


@dataclass(frozen=True)
class LanguageVersion(i18n.LanguageTagged):
    language: str  # Django code, e.g. "zh-hans"
    name: str  # the language's own name for itself
    url: str
    full_url: str
    exact: bool  # False when the page is not translated and this is its nearest translated ancestor
    current: bool


@dataclass(frozen=True)
class PageFamily:
    breadcrumbs: list[Crumb]
    versions: list[LanguageVersion]

    @property
    def alternates(self) -> list[LanguageVersion]:
        """Versions that really are this page, for hreflang links."""
        return [v for v in self.versions if v.exact]


def ancestor_paths(page: Page) -> list[str]:
    step = Page.steplen
    return [page.path[:end] for end in range(step * (ROOT_DEPTH + 1), len(page.path) + 1, step)]


def page_family(page: Page, request) -> PageFamily:
    lineage = Page.objects.filter(path__in=ancestor_paths(page)).values("translation_key")
    rows = (
        Page.objects.filter(translation_key__in=Subquery(lineage), live=True, depth__gt=ROOT_DEPTH)
        .select_related("locale")
        .only("id", "title", "path", "depth", "url_path", "translation_key", "locale__language_code")
    )
    deepest: dict[str, Page] = {}
    breadcrumbs = []
    current_language = ""
    for row in rows:
        language = row.locale.language_code
        if language not in deepest or row.depth > deepest[language].depth:
            deepest[language] = row
        if row.locale_id == page.locale_id:
            current_language = language
            if row.depth < page.depth:
                breadcrumbs.append(row)
    breadcrumbs.sort(key=lambda row: row.depth)
    versions = []
    for language in i18n.language_codes():
        row = deepest.get(language)
        if row is None:
            continue
        versions.append(
            LanguageVersion(
                language=language,
                name=i18n.language_name(language),
                url=(url := row.get_url(request)),
                full_url=request.build_absolute_uri(url),
                exact=row.translation_key == page.translation_key,
                current=language == current_language,
            )
        )
    return PageFamily(
        breadcrumbs=[Crumb(row.title, row.get_url(request)) for row in breadcrumbs],
        versions=versions,
    )


def home_versions(request, current_language: str) -> list[LanguageVersion]:
    """Links to each language's home page, for pages that are not Wagtail pages (404, search)."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    rows = (
        Page.objects.filter(translation_key=site.root_page.translation_key, live=True)
        .select_related("locale")
        .only("id", "title", "path", "depth", "url_path", "translation_key", "locale__language_code")
    )
    by_language = {row.locale.language_code: row for row in rows}
    return [
        LanguageVersion(
            language=language,
            name=i18n.language_name(language),
            url=(url := by_language[language].get_url(request)),
            full_url=request.build_absolute_uri(url),
            exact=True,
            current=language == current_language,
        )
        for language in i18n.language_codes()
        if language in by_language
    ]


def localized_pages(pages: list[Page], language: str) -> dict[int, Page]:
    """Map each page's id to its live translation in `language` (or the page itself), in one query."""
    keys = {page.translation_key for page in pages}
    translated = {
        row.translation_key: row
        for row in Page.objects.filter(translation_key__in=keys, locale__language_code=language, live=True)
        .select_related("locale")
        .only("id", "title", "path", "depth", "url_path", "translation_key", "locale__language_code")
    }
    return {page.pk: translated.get(page.translation_key, page) for page in pages}


def cached_page_family(page: Page, request) -> PageFamily:
    """page_family, kept in the cache until the site version changes (not for previews)."""
    if getattr(request, "is_preview", False):
        return page_family(page, request)
    key = f"cityportal:family:{site_version()}:{page.pk}:{request.scheme}:{request.get_host()}"
    family = cache.get(key)
    if family is None:
        family = page_family(page, request)
        cache.set(key, family, timeout=600)
    return family


def view_language_versions(
    request, url_name: str, *, args=(), query: dict | None = None, queries: dict[str, str] | None = None
) -> list[LanguageVersion]:
    """The language switcher of a plain Django view (booking steps, forms): the same URL name in every
    language. `query` is the same query string in all of them; `queries` one per language (a guide's
    id differs between languages)."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils.translation import get_language, override

    current = get_language()
    shared = "?" + urlencode(query) if query else ""
    versions = []
    for language in i18n.language_codes():
        with override(language):
            url = reverse(url_name, args=args)
        own = (queries or {}).get(language)
        url += f"?{own}" if own else shared
        versions.append(
            LanguageVersion(
                language=language,
                name=i18n.language_name(language),
                url=url,
                full_url=request.build_absolute_uri(url),
                exact=True,
                current=language == current,
            )
        )
    return versions
