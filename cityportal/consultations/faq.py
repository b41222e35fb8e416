"""The public FAQ pages: /<lang>/faq/, /<lang>/faq/<section>/ and /<lang>/faq/figures/.

`FAQIndexPage`'s routes (models/faq.py) hand over to the functions here. A page lists the live
entries of its own language, grouped by section in the sections' order; sections without entries
are left out. Entries are read with one query and kept in the cache under the *FAQ version*, a
value `signals.py` changes whenever an entry or a vote count is saved or deleted (a smaller cousin
of the site version: a vote must not make every page of the portal rebuild its fragments).

Search (`?q=`) is the portal's search (cityportal/search, docs/search.md) limited to the FAQ
entries of the page's language and section: the same analysis per language (Chinese and Japanese
without spaces, Arabic prefixes, stems), spelling correction and synonyms, through the database's
full-text index, never a LIKE scan.
"""

import time
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db.models import Max
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from wagtail.models import Locale

from cityportal.core import i18n
from cityportal.core.navigation import Crumb
from cityportal.core.sections import Section
from cityportal.core.site_version import site_version
from cityportal.search import services as search_services
from cityportal.search.models import DocumentKind

from . import figures, structured_data
from .models import FAQEntry

FAQ_VERSION_KEY = "cityportal:consultations:faq-version"
CACHE_SECONDS = 3600
QUERY_MAX_LENGTH = 100
SEARCH_RESULTS = 50
FIGURES_ROUTE = "figures/"
ENTRY_FIELDS = ("id", "locale_id", "section", "question", "answer", "published_at", "updated_at")


# --- Freshness ---------------------------------------------------------------------------------------


def faq_version() -> int:
    return cache.get_or_set(FAQ_VERSION_KEY, time.time_ns, timeout=None)


def bump_faq_version() -> None:
    # A clock value, as core.site_version: unique even after the key was evicted.
    cache.set(FAQ_VERSION_KEY, time.time_ns(), timeout=None)


def _cache_key(*parts) -> str:
    return ":".join(
        ["cityportal:consultations:faq", str(site_version()), str(faq_version()), *map(str, parts)]
    )


# --- Queries -----------------------------------------------------------------------------------------


def live_entries(locale_id: int, section: str = ""):
    entries = FAQEntry.objects.filter(locale_id=locale_id, live=True).only(*ENTRY_FIELDS)
    return entries.filter(section=section) if section else entries


def listed_entries(locale_id: int, section: str = "") -> list[FAQEntry]:
    """The live entries of a language (and section), in section order then newest first; cached."""
    key = _cache_key("entries", locale_id, section)
    entries = cache.get(key)
    if entries is None:
        order = {code: position for position, code in enumerate(Section.values)}
        entries = sorted(live_entries(locale_id, section), key=lambda entry: order[entry.section])
        cache.set(key, entries, timeout=CACHE_SECONDS)
    return entries


def sections_by_language() -> dict[str, dict[str, object]]:
    """{language code: {section: when its newest entry changed}} for every live entry; one query, cached."""
    key = _cache_key("sections")
    found = cache.get(key)
    if found is None:
        found = {}
        rows = (
            FAQEntry.objects.filter(live=True)
            .order_by()
            .values_list("locale__language_code", "section")
            .annotate(changed=Max("updated_at"))
        )
        for language, section, changed in rows:
            found.setdefault(language, {})[section] = changed
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def clean_query(raw: str) -> str:
    return " ".join(raw.split())[:QUERY_MAX_LENGTH]


def search_entries(locale_id: int, query: str, section: str = "") -> list[FAQEntry]:
    """Entries of this language (and section) that the portal's search finds for `query`, best first:
    its analysis per language (Chinese and Japanese words without spaces, Arabic prefixes, stems),
    its spelling correction and, when few entries have every word, entries with some of them."""
    language = Locale.objects.filter(pk=locale_id).values_list("language_code", flat=True).first()
    if language is None:
        return []
    sections = [section] if section else []
    _query, found, _corrected = search_services.find(
        search_services.clean_query(query), language, kinds=[DocumentKind.FAQ], sections=sections
    )
    label = FAQEntry._meta.label_lower
    ranked = []
    for candidate in found[:SEARCH_RESULTS]:
        model, _colon, pk = candidate.key.partition(":")
        if model == label:
            ranked.append(int(pk))
    # The index follows saves through a queued task: the entry itself must still be live here.
    entries = FAQEntry.objects.filter(pk__in=ranked, locale_id=locale_id, live=True).only(*ENTRY_FIELDS)
    by_pk = entries.in_bulk()
    return [by_pk[pk] for pk in ranked if pk in by_pk]


# --- The listing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionGroup:
    code: str
    entries: list[FAQEntry]

    @property
    def label(self) -> str:
        return str(Section(self.code).label)


def group_by_section(entries: list[FAQEntry]) -> list[SectionGroup]:
    """Entries under their section, sections in the portal's order, empty ones left out."""
    by_section: dict[str, list[FAQEntry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section, []).append(entry)
    return [SectionGroup(code, by_section[code]) for code in Section.values if code in by_section]


@dataclass(frozen=True)
class RouteVersion(i18n.LanguageTagged):
    language: str
    url: str  # absolute
    current: bool


@dataclass
class FAQListing:
    """What /faq/ and /faq/<section>/ show: the groups of entries, the search, the section links."""

    page: object
    request: object
    family: object  # core.navigation.PageFamily of the FAQ page
    language: str
    section: str = ""
    query: str = ""
    entries: list[FAQEntry] = field(default_factory=list)
    available: dict = field(default_factory=dict)  # {language: {section: changed}}
    voted: int | None = None

    @cached_property
    def index_url(self) -> str:
        return self.page.get_url(self.request)

    @property
    def url(self) -> str:
        return self.index_url + (f"{self.section}/" if self.section else "")

    @property
    def groups(self) -> list[SectionGroup]:
        return group_by_section(self.entries)

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The sections this language has entries in, for the links at the top."""
        mine = self.available.get(self.language, {})
        return [(code, label) for code, label in Section.choices if code in mine]

    @property
    def section_label(self) -> str:
        return str(Section(self.section).label) if self.section else ""

    @property
    def breadcrumbs(self) -> list[Crumb]:
        crumbs = list(self.family.breadcrumbs)
        return [*crumbs, Crumb(self.page.title, self.index_url)] if self.section else crumbs

    @property
    def alternates(self) -> list[RouteVersion]:
        """This route in each language that has it: a section route only where it has entries."""
        suffix = f"{self.section}/" if self.section else ""
        return [
            RouteVersion(version.language, version.full_url + suffix, version.current)
            for version in self.family.alternates
            if not self.section or self.section in self.available.get(version.language, {})
        ]

    @property
    def canonical_url(self) -> str:
        return self.request.build_absolute_uri(self.url)

    @property
    def noindex(self) -> bool:
        """Search results and an empty section are followed by search engines, not indexed."""
        return bool(self.query) or not self.entries

    @cached_property
    def structured_data(self) -> str:
        if self.query or not self.entries:
            return ""
        return structured_data.json_for_script(
            structured_data.faq_page(self.entries, url=self.canonical_url, language=self.language)
        )


def requested_vote(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def serve_faq(page, request, section: str = ""):
    if section and section not in Section.values:
        raise Http404
    language = get_language()  # the URL's language prefix, which is the page's (page.locale costs a query)
    query = clean_query(request.GET.get("q", ""))
    if query:
        entries = search_entries(page.locale_id, query, section)
    else:
        entries = listed_entries(page.locale_id, section)
    context = page.get_context(request)
    context["faq"] = FAQListing(
        page=page,
        request=request,
        family=context["family"],
        language=language,
        section=section,
        query=query,
        entries=entries,
        available=sections_by_language(),
        voted=requested_vote(request.GET.get("voted", "")),
    )
    return TemplateResponse(request, page.get_template(request), context)


# --- The service figures ------------------------------------------------------------------------------


def serve_figures(page, request):
    context = page.get_context(request)
    context["figures"] = figures.cached_monthly_figures()
    index_url = page.get_url(request)
    context["figures_url"] = index_url + FIGURES_ROUTE
    context["breadcrumbs"] = [*context["family"].breadcrumbs, Crumb(page.title, index_url)]
    context["alternates"] = [
        RouteVersion(version.language, version.full_url + FIGURES_ROUTE, version.current)
        for version in context["family"].alternates
    ]
    return TemplateResponse(request, "consultations/figures.html", context)


# --- Sitemap and purging ------------------------------------------------------------------------------


def faq_routes(pages) -> dict[int, list[str]]:
    """The routes each FAQ page serves below its own address that belong in the sitemap: the
    figures, and each section its language has entries in. One query for all the pages (cached)."""
    available = sections_by_language()
    routes = {}
    for page in pages:
        mine = available.get(page.locale.language_code, {})
        routes[page.pk] = [FIGURES_ROUTE, *(f"{code}/" for code in Section.values if code in mine)]
    return routes


def faq_sitemap_urls(page, request=None) -> list[dict]:
    """Wagtail's sitemap entries for the page (its own address, then its routes), with the
    hreflang alternates of each: the translations of the page that have the same route."""
    from wagtail.models import Page

    translations = list(
        Page.objects.live().filter(translation_key=page.translation_key).select_related("locale")
    )
    routes = faq_routes(translations)
    available = sections_by_language().get(page.locale.language_code, {})
    urls = []
    for route in ["", *routes.get(page.pk, [])]:
        alternates = [
            {
                "lang_code": i18n.bcp47(other.locale.language_code),
                "location": other.get_full_url(request) + route,
            }
            for other in translations
            if route == "" or route in routes.get(other.pk, [])
        ]
        section = route.rstrip("/")
        urls.append(
            {
                "location": page.get_full_url(request) + route,
                "lastmod": available.get(section) or page.last_published_at,
                "alternates": alternates,
            }
        )
    return urls


def faq_cached_paths(page) -> list[str]:
    """Every address the page answers, relative to it, for purging HTTP caches."""
    return ["/", f"/{FIGURES_ROUTE}", *(f"/{code}/" for code in Section.values)]
