"""Keyset pagination of the news and policy listings, and the policy library's filters.

A listing is ordered newest first by (date, id). The "Older" link carries the (date, id) of the last
item shown (`?before=2024-12-17T02:00:00Z~42`), the "Newer" link that of the first (`?after=…`).
The next page is the items strictly past that pair, read in index order (`news_article_newest`,
`news_policy_newest`), so page 100 costs what page 1 does: no OFFSET, and the archive is never
counted. An item published while a visitor pages never makes another one appear twice or vanish.

Parsing and the window logic are plain functions; `keyset_page` runs the one query a page needs.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cityportal.core.navigation import Crumb
from cityportal.core.sections import Section

PER_PAGE = 20
SEPARATOR = "~"
LONGEST_CURSOR = 64  # an ISO datetime with microseconds, "~" and an id fit well within this
LONGEST_ID = 18  # ids up to 10**18 stay below the 64-bit limit of a primary key
BEFORE, AFTER = "before", "after"


@dataclass(frozen=True)
class Cursor:
    """A position in a listing: the (date, id) of an item; pages start strictly past it."""

    position: date | datetime
    pk: int

    def __str__(self) -> str:
        return format_cursor(self.position, self.pk)


@dataclass(frozen=True)
class Window:
    """Which page was asked for: the first (no cursor), older than a cursor, or newer than one."""

    direction: str | None = None  # BEFORE, AFTER or None for the first page
    cursor: Cursor | None = None

    @property
    def is_first(self) -> bool:
        return self.cursor is None


FIRST_PAGE = Window()


@dataclass
class KeysetPage:
    items: list
    older: Cursor | None = None  # where the "Older" link starts, if there are older items
    newer: Cursor | None = None  # where the "Newer" link starts, if there are newer items
    is_first: bool = True


def format_cursor(position: date | datetime, pk: int) -> str:
    """ "2024-12-17T02:00:00.123456Z~42" for a datetime (always in UTC), "2024-12-17~42" for a date."""
    if isinstance(position, datetime):
        text = position.astimezone(UTC).isoformat().replace("+00:00", "Z")
    else:
        text = position.isoformat()
    return f"{text}{SEPARATOR}{pk}"


def parse_cursor(raw: str, kind: type[date] | type[datetime]) -> Cursor | None:
    """The cursor in a query string, or None when it is not one (the caller then shows the first page).

    `kind` is `datetime` for news (aware datetimes only) and `date` for policies.
    """
    if not raw or len(raw) > LONGEST_CURSOR or raw.count(SEPARATOR) != 1 or not raw.isascii():
        return None
    text, pk = raw.split(SEPARATOR)
    if not pk.isdigit() or len(pk) > LONGEST_ID or int(pk) == 0:
        return None
    try:
        if kind is datetime:
            position = datetime.fromisoformat(text)
            if position.tzinfo is None:
                return None
        else:
            position = date.fromisoformat(text)
            if isinstance(position, datetime):
                return None
    except ValueError:
        return None
    return Cursor(position, int(pk))


def requested_window(params, kind: type[date] | type[datetime]) -> Window:
    """The page a query string asks for; anything unreadable or contradictory asks for the first."""
    before, after = params.get(BEFORE, ""), params.get(AFTER, "")
    if before and after:
        return FIRST_PAGE
    direction, raw = (BEFORE, before) if before else (AFTER, after)
    cursor = parse_cursor(raw, kind)
    return Window(direction, cursor) if cursor else FIRST_PAGE


def older_than(cursor: Cursor, field_name: str) -> Q:
    position = cursor.position
    return Q(**{f"{field_name}__lt": position}) | Q(**{field_name: position, "pk__lt": cursor.pk})


def newer_than(cursor: Cursor, field_name: str) -> Q:
    position = cursor.position
    return Q(**{f"{field_name}__gt": position}) | Q(**{field_name: position, "pk__gt": cursor.pk})


def cursor_of(item, field_name: str) -> Cursor:
    return Cursor(getattr(item, field_name), item.pk)


def keyset_page(queryset, window: Window, *, field_name: str, per_page: int = PER_PAGE) -> KeysetPage:
    """One page of `queryset` (newest first by `field_name`, then id), read with one query.

    One row more than a page is read to know whether the listing goes on. A page of newer items that
    turns out to be the top of the listing but short (items were unpublished meanwhile, or the cursor
    was made up) is replaced by the first page, so the newest page is always full.
    """
    newest_first = queryset.order_by(f"-{field_name}", "-pk")
    if window.direction == AFTER:
        rows = list(
            queryset.filter(newer_than(window.cursor, field_name)).order_by(field_name, "pk")[: per_page + 1]
        )
        more_newer = len(rows) > per_page
        items = rows[:per_page][::-1]
        if more_newer or len(items) == per_page:
            return KeysetPage(
                items=items,
                older=cursor_of(items[-1], field_name),
                newer=cursor_of(items[0], field_name) if more_newer else None,
                is_first=not more_newer,
            )
        window = FIRST_PAGE
    if window.direction == BEFORE:
        rows = list(newest_first.filter(older_than(window.cursor, field_name))[: per_page + 1])
        items = rows[:per_page]
        return KeysetPage(
            items=items,
            older=cursor_of(items[-1], field_name) if len(rows) > per_page else None,
            newer=cursor_of(items[0], field_name) if items else None,
            is_first=False,
        )
    rows = list(newest_first[: per_page + 1])
    items = rows[:per_page]
    return KeysetPage(items=items, older=cursor_of(items[-1], field_name) if len(rows) > per_page else None)


# --- The policy library's filters ------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyFilters:
    authority: str = ""  # a department code
    year: int | None = None
    status: str = ""  # a PolicyStatus value

    def as_params(self) -> dict[str, str]:
        params = {"authority": self.authority, "year": str(self.year or ""), "status": self.status}
        return {name: value for name, value in params.items() if value}

    def __bool__(self) -> bool:
        return bool(self.as_params())


def parse_policy_filters(
    params, *, authorities: set[str], years: set[int], statuses: set[str]
) -> tuple[PolicyFilters, list[str]]:
    """The filters a query string asks for, keeping only known values; returns the names of the
    parameters whose value was not known (the page says it ignored them)."""
    ignored = []
    authority = params.get("authority", "").strip()
    if authority and authority not in authorities:
        ignored.append("authority")
        authority = ""
    raw_year = params.get("year", "").strip()
    year = int(raw_year) if raw_year.isascii() and raw_year.isdigit() and len(raw_year) == 4 else None
    if raw_year and year not in years:
        ignored.append("year")
        year = None
    status = params.get("status", "").strip()
    if status and status not in statuses:
        ignored.append("status")
        status = ""
    return PolicyFilters(authority=authority, year=year, status=status), ignored


# --- What a listing page shows around its items ------------------------------------------------------

SOURCE_AND_ENGLISH = ("zh-hans", "en")


@dataclass
class Listing:
    """One page of a news or policy listing, with the links around it."""

    NEWS, POLICIES = "news", "policies"

    kind: str
    url: str  # the listing's own address (with its section), without a query string
    page: KeysetPage
    family: object  # core.navigation.PageFamily of the index page
    index_title: str = ""
    index_url: str = ""
    section: str = ""
    filters: PolicyFilters | None = None
    ignored: tuple[str, ...] = ()  # filter parameters whose value was unknown

    def _link(self, **cursor) -> str:
        params = {**(self.filters.as_params() if self.filters else {}), **cursor}
        return f"{self.url}?{urlencode(params)}" if params else self.url

    @property
    def older_url(self) -> str:
        return self._link(before=str(self.page.older)) if self.page.older else ""

    @property
    def newer_url(self) -> str:
        return self._link(after=str(self.page.newer)) if self.page.newer else ""

    @property
    def first_url(self) -> str:
        return self._link()

    @property
    def breadcrumbs(self) -> list[Crumb]:
        """A section listing sits under its index page."""
        crumbs = list(self.family.breadcrumbs)
        return [*crumbs, Crumb(self.index_title, self.index_url)] if self.section else crumbs

    @property
    def section_label(self) -> str:
        return str(Section(self.section).label) if self.section else ""

    @property
    def noindex(self) -> bool:
        """Older pages and filtered lists: followed by search engines, not indexed."""
        return bool(self.filters) or not self.page.is_first

    @property
    def elsewhere(self) -> list:
        """The same listing in Chinese and English, when this one is in neither (ADR 014)."""
        current = next((v.language for v in self.family.versions if v.current), "")
        if current in SOURCE_AND_ENGLISH:
            return []
        suffix = f"{self.section}/" if self.section else ""
        return [
            ListingVersion(v.name, v.bcp47, v.url + suffix)
            for v in self.family.versions
            if v.exact and v.language in SOURCE_AND_ENGLISH
        ]

    @property
    def elsewhere_note(self) -> str:
        """ "More news is published in 简体中文 and English.", each language linked to its listing."""
        links = [
            format_html('<a href="{}" hreflang="{}" lang="{}">{}</a>', v.url, v.bcp47, v.bcp47, v.name)
            for v in self.elsewhere
        ]
        if not links:
            return ""
        if len(links) == 2:
            text = (
                _("More news is published in %(first)s and %(second)s.")
                if self.kind == self.NEWS
                else _("More policies are published in %(first)s and %(second)s.")
            )
            return mark_safe(conditional_escape(text) % {"first": links[0], "second": links[1]})  # noqa: S308
        text = (
            _("More news is published in %(language)s.")
            if self.kind == self.NEWS
            else _("More policies are published in %(language)s.")
        )
        return mark_safe(conditional_escape(text) % {"language": links[0]})  # noqa: S308 - escaped above


@dataclass(frozen=True)
class ListingVersion:
    name: str  # the language's own name for itself
    bcp47: str
    url: str
