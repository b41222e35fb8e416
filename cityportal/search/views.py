"""The public search: the results page and the suggestions under the search boxes.

/<lang>/search/?q=…&kind=…&section=…&page=… shows services.search for the page's language: facets by
type and section (links that keep the query), the hits, page numbers. Whatever the address holds, the
page answers 200: unknown filters and page numbers are ignored, the query is cleaned by the service
and escaped by the template. It is never kept by an HTTP cache (`private, no-store`): a query can hold
a passport or phone number a visitor pasted, and each search must reach the server for the log of
searches that found nothing.

/<lang>/search/suggest/?q=… gives services.suggest as JSON for static/js/search.js. Suggestions are
public titles only, so the ordinary caching of anonymous pages applies (a minute, core.middleware).
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityportal.consultations.models import FAQIndexPage
from cityportal.core.navigation import Crumb, view_language_versions
from cityportal.core.sections import Section
from cityportal.core.site_version import site_version

from . import engine, services
from .models import DocumentKind, SearchDocument

# A query is cut by the service (services.QUERY_MAX_LENGTH); this bounds the work before that on
# addresses made by hand or by scripts (a megabyte of query string must not be normalised).
RAW_QUERY_LIMIT = 4 * services.QUERY_MAX_LENGTH
PAGE_NUMBER_DIGITS = 6  # beyond any real page; the service shows the last page for a higher number
PAGES_AROUND = 2  # page numbers shown either side of the current one
SUGGESTIONS = 6
DATED_KINDS = {DocumentKind.NEWS, DocumentKind.POLICY}

# One result's type, in the singular (DocumentKind's labels name the facets, in the plural).
KIND_NAMES = {
    DocumentKind.GUIDE: pgettext_lazy("search result type", "Procedure guide"),
    DocumentKind.SERVICE: pgettext_lazy("search result type", "Appointment service"),
    DocumentKind.FAQ: pgettext_lazy("search result type", "Question and answer"),
    DocumentKind.NEWS: pgettext_lazy("search result type", "News"),
    DocumentKind.POLICY: pgettext_lazy("search result type", "Policy"),
    DocumentKind.PAGE: pgettext_lazy("search result type", "Page"),
}


# --- What the address asks for -------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchRequest:
    query: str  # as searched: services.clean_query of what was typed
    kind: str = ""  # a DocumentKind value, or "" for every type
    section: str = ""  # a Section value, or "" for every section
    page: int = 1
    shortened: bool = False  # the query was longer than the service searches

    @property
    def filtered(self) -> bool:
        return bool(self.kind or self.section)


def page_number(raw: str) -> int:
    raw = raw.strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= PAGE_NUMBER_DIGITS:
        return max(1, int(raw))
    return 1


def read_request(params) -> SearchRequest:
    """The search the query string asks for; anything unknown or malformed is left out."""
    typed = params.get("q", "")[:RAW_QUERY_LIMIT]
    query = services.clean_query(typed)
    kind = params.get("kind", "")
    section = params.get("section", "")
    return SearchRequest(
        query=query,
        kind=kind if kind in DocumentKind.values else "",
        section=section if section in Section.values else "",
        page=page_number(params.get("page", "")),
        shortened=len(" ".join(typed.split())) > services.QUERY_MAX_LENGTH,
    )


def results_url(query: str, *, kind: str = "", section: str = "", page: int = 1) -> str:
    params = {"q": query, "kind": kind, "section": section, "page": page if page > 1 else ""}
    return (
        reverse("search:results") + "?" + urlencode({name: value for name, value in params.items() if value})
    )


def page_url(wanted: SearchRequest, page: int) -> str:
    """Another page of the same search, with the same filters."""
    return results_url(wanted.query, kind=wanted.kind, section=wanted.section, page=page)


# --- What the page shows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetLink:
    label: str
    url: str
    current: bool
    count: int | None = None  # None: not shown


@dataclass(frozen=True)
class ShownHit:
    title: SafeString  # highlighted and escaped by the service
    url: str
    kind: str
    kind_name: str
    sections: list[str]
    date: date | None
    snippet: SafeString
    bookings: list[tuple[str, str]]  # (name, address) of the appointment services of a guide


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap between page numbers
    url: str = ""
    current: bool = False


def kind_facet(wanted: SearchRequest, found: services.SearchPage) -> list[FacetLink]:
    # Counted with the chosen section applied (services.search), so each count is what its link shows.
    links = [FacetLink(_("All types"), results_url(wanted.query, section=wanted.section), not wanted.kind)]
    for kind, label in DocumentKind.choices:
        count = found.kind_counts.get(kind, 0)
        if count or kind == wanted.kind:
            url = results_url(wanted.query, kind=kind, section=wanted.section)
            links.append(FacetLink(str(label), url, kind == wanted.kind, count))
    return links


def section_facet(wanted: SearchRequest, found: services.SearchPage) -> list[FacetLink]:
    links = [FacetLink(_("All sections"), results_url(wanted.query, kind=wanted.kind), not wanted.section)]
    for section, label in Section.choices:
        count = found.section_counts.get(section, 0)
        if count or section == wanted.section:
            url = results_url(wanted.query, kind=wanted.kind, section=section)
            links.append(FacetLink(str(label), url, section == wanted.section, count))
    return links


def page_links(wanted: SearchRequest, found: services.SearchPage) -> list[PageLink]:
    """1 … 4 5 [6] 7 8 … 20: the first and last page, and those around the current one."""
    last, current = found.num_pages, found.page
    if last <= 1:
        return []
    shown = sorted({1, last, *range(max(1, current - PAGES_AROUND), min(last, current + PAGES_AROUND) + 1)})
    links: list[PageLink] = []
    for number in shown:
        if links and links[-1].number is not None and number > links[-1].number + 1:
            links.append(PageLink(None))
        links.append(PageLink(number, page_url(wanted, number), number == current))
    return links


def shown_hits(found: services.SearchPage) -> list[ShownHit]:
    # An editor's recommendation is shown above the results: it is not repeated among them.
    recommended = {promotion.url for promotion in found.promotions}
    return [
        ShownHit(
            title=hit.title,
            url=hit.document.url,
            kind=hit.document.kind,
            kind_name=str(KIND_NAMES.get(hit.document.kind, "")),
            sections=[str(label) for label in hit.document.section_labels()],
            date=hit.document.date if hit.document.kind in DATED_KINDS else None,
            snippet=hit.snippet,
            bookings=[(service.title, service.url) for service in hit.services],
        )
        for hit in found.hits
        if hit.document.url not in recommended
    ]


def faq_url(request, language: str) -> str:
    """The FAQ page of the language ("" when there is none), kept under the site version: publishing
    or moving a page changes it."""
    key = f"search:faq-url:{site_version()}:{language}"
    url = cache.get(key)
    if url is None:
        faq_page = FAQIndexPage.objects.live().filter(locale__language_code=language).first()
        url = (faq_page.get_url(request) or "") if faq_page is not None else ""
        cache.set(key, url, timeout=600)
    return url


# --- The views -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def results(request):
    language = get_language()
    wanted = read_request(request.GET)
    # The language switcher repeats the search, words and filters as they are, in each language.
    kept = {"q": wanted.query, "kind": wanted.kind, "section": wanted.section}
    context = {
        "wanted": wanted,
        "query_limit": services.QUERY_MAX_LENGTH,
        "crumbs": [Crumb(_("Home"), f"/{language}/")],
        "versions": view_language_versions(
            request, "search:results", query={name: value for name, value in kept.items() if value}
        ),
    }
    if wanted.query:
        found = services.search(
            wanted.query, language, kind=wanted.kind, section=wanted.section, page=wanted.page
        )
        context.update(
            found=found,
            hits=shown_hits(found),
            capped=found.total >= engine.CANDIDATE_LIMIT,
            limit=engine.CANDIDATE_LIMIT,
            kinds=kind_facet(wanted, found),
            sections=section_facet(wanted, found),
            pages=page_links(wanted, found),
            previous_url=page_url(wanted, found.page - 1) if found.has_previous else "",
            next_url=page_url(wanted, found.page + 1) if found.has_next else "",
            unfiltered_url=results_url(wanted.query) if wanted.filtered else "",
        )
        if not found.hits and not found.promotions:
            context["faq_url"] = faq_url(request, language)
    response = render(request, "search/results.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "HEAD"])
def suggestions(request):
    documents: list[SearchDocument] = services.suggest(
        request.GET.get("q", "")[:RAW_QUERY_LIMIT], get_language(), limit=SUGGESTIONS
    )
    return JsonResponse(
        {
            "suggestions": [
                {"title": document.title, "url": document.url, "kind": str(KIND_NAMES.get(document.kind, ""))}
                for document in documents
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )
