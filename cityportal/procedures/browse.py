"""The browse page of all guides: filters by section, audience and department, sorting, paging, counts.

Everything comes from GET parameters so that the form works without JavaScript and every state has
an address. Unknown values are ignored with a notice rather than an error. Whatever the number of
guides, the page costs the same few queries: one per facet, the count, the page of results, and the
departments (the results carry no per-guide lookups).
"""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.translation import gettext as _
from wagtail.models import Page

from cityportal.core.models import Department
from cityportal.core.sections import Section

from .models.audiences import Audience

PER_PAGE = 20
SORTS = {"az": ("sort_title", "title", "id"), "reviewed": ("-last_reviewed", "sort_title", "id")}
RESULT_FIELDS = (
    "id",
    "title",
    "summary",
    "path",
    "depth",
    "url_path",
    "locale_id",
    "item_code",
    "department_id",
    "last_reviewed",
)
FILTERS = ("section", "audience", "department")
LONGEST_SHOWN = 40  # an unknown value is quoted back in the notice, cut to this length


@dataclass(frozen=True)
class FacetOption:
    code: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str  # the GET parameter
    label: str
    options: list[FacetOption]


def page_number(raw: str) -> str:
    """The requested page as the paginator reads it, bounded so that it can key a cache."""
    if not (raw.isascii() and raw.isdigit()):
        return "1"
    if len(raw) > 4:  # past any real page, and short of int()'s limit on digits
        return "9999"
    return str(max(1, int(raw)))


class Browse:
    """The browse page's state for one request; each part is computed when the template first asks."""

    def __init__(self, index_page, params):
        self.index_page = index_page
        self.notices: list[str] = []
        self.filters: dict[str, str] = {}
        for name in FILTERS:
            value = params.get(name, "").strip()
            if not value:
                continue
            if self.is_known(name, value):
                self.filters[name] = value
            else:
                self.notices.append(self.unknown_notice(name, value[:LONGEST_SHOWN]))
        sort = params.get("sort", "").strip()
        if sort and sort not in SORTS:
            self.notices.append(
                _("“%(value)s” is not a way to sort guides; they are sorted A to Z.")
                % {"value": sort[:LONGEST_SHOWN]}
            )
        self.sort = sort if sort in SORTS else "az"
        self.page_number = page_number(params.get("page", "").strip())

    # --- Parameters --------------------------------------------------------------------------------

    def is_known(self, name: str, value: str) -> bool:
        if name == "section":
            return value in Section.values
        if name == "audience":
            return value in Audience.values
        return value in self.departments

    @staticmethod
    def unknown_notice(name: str, value: str) -> str:
        messages = {
            "section": _("There is no section “%(value)s”; guides of every section are shown."),
            "audience": _("There is no audience “%(value)s”; guides for everyone are shown."),
            "department": _("There is no department “%(value)s”; guides of every department are shown."),
        }
        return messages[name] % {"value": value}

    @property
    def cache_key(self) -> str:
        """What the cached results depend on: only validated values, never the raw query string."""
        return "|".join([*(self.filters.get(name, "") for name in FILTERS), self.sort, self.page_number])

    def url_with(self, **changes) -> str:
        """A query string for this state with some values changed (links never repeat unknown values)."""
        values = {**self.filters, "sort": self.sort if self.sort != "az" else "", **changes}
        return "?" + urlencode({name: value for name, value in values.items() if value})

    # --- Queries -----------------------------------------------------------------------------------

    @cached_property
    def departments(self) -> dict[str, Department]:
        return {department.code: department for department in Department.objects.all()}

    def guides(self, *, without: str = ""):
        from .models import ProcedurePage

        guides = ProcedurePage.objects.live().child_of(self.index_page)
        for name, value in self.filters.items():
            if name == without:
                continue
            if name == "section":
                guides = guides.filter(sections__code=value)
            elif name == "audience":
                guides = guides.filter(audiences__code=value)
            else:
                guides = guides.filter(department__code=value)
        return guides

    @cached_property
    def page(self):
        ordered = self.guides().order_by(*SORTS[self.sort]).only(*RESULT_FIELDS)
        return Paginator(ordered, PER_PAGE).get_page(self.page_number)

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @cached_property
    def results(self) -> list[dict]:
        by_id = {department.pk: department for department in self.departments.values()}
        return [{"guide": guide, "department": by_id.get(guide.department_id)} for guide in self.page]

    def counts(self, name: str, column: str) -> dict:
        # Without the page manager's ordering by path, which would split the groups guide by guide.
        rows = self.guides(without=name).order_by().values(column).annotate(n=Count("id", distinct=True))
        return {row[column]: row["n"] for row in rows}

    @cached_property
    def facets(self) -> list[Facet]:
        sections = self.counts("section", "sections__code")
        audiences = self.counts("audience", "audiences__code")
        departments = self.counts("department", "department__code")
        return [
            self.facet("section", _("Section"), Section.choices, sections),
            self.facet("audience", _("Who it is for"), Audience.choices, audiences),
            self.facet(
                "department",
                _("Department"),
                sorted(((code, str(d)) for code, d in self.departments.items()), key=lambda c: c[1]),
                departments,
            ),
        ]

    def facet(self, name, label, choices, counts) -> Facet:
        selected = self.filters.get(name, "")
        options = [
            FacetOption(code, str(option_label), counts.get(code, 0), code == selected)
            for code, option_label in choices
            if counts.get(code) or code == selected
        ]
        return Facet(name, label, options)

    @cached_property
    def links(self) -> dict[str, Page]:
        """The language's finder and journey index, for the links beside the list."""
        from .models import FinderPage, JourneyIndexPage

        pages = (
            Page.objects.live()
            .filter(locale_id=self.index_page.locale_id)
            .type(FinderPage, JourneyIndexPage)
            .select_related("content_type")
            .only("id", "title", "path", "depth", "url_path", "content_type__model")
        )
        return {page.content_type.model: page for page in pages}

    @property
    def finder(self):
        return self.links.get("finderpage")

    @property
    def journeys(self):
        return self.links.get("journeyindexpage")
