"""The notices a page shows: those of its language whose window contains now, most severe first.

The banner is on every page, outside any fragment cache, so its list comes from the cache: one entry
per language (and host, for the links) under the site version, which saving or deleting a notice
changes (news/signals.py). The entry also expires by itself at the next moment a notice starts or
ends, and after a minute at most, so a notice appears and disappears on time without a publish.

Languages: a notice shows in its own language; where it has no finished translation in the
visitor's language, the English version shows, else the Chinese one, marked with its own `lang` and
`dir` (docs/alerts-and-notices.md).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Min, Q
from django.utils import timezone
from wagtail_localize.models import Translation

from cityportal.core import i18n
from cityportal.core.navigation import localized_pages
from cityportal.core.site_version import site_version

from .models import Notice

# The list is rebuilt at least this often, whatever the next start or end.
MAX_CACHE_SECONDS = 60
SEVERITY_ORDER = {Notice.Severity.URGENT: 0, Notice.Severity.WARNING: 1, Notice.Severity.INFO: 2}


@dataclass(frozen=True)
class ShownNotice(i18n.LanguageTagged):
    """A notice as the banner shows it: plain values, so it can be cached."""

    pk: int
    title: str
    message: str
    kind: str
    severity: str
    ends_at: datetime
    language: str  # the language the notice is written in
    fallback: bool  # True when it is not in the visitor's language
    link_url: str = ""

    @property
    def kind_label(self) -> str:
        return Notice.Kind(self.kind).label

    @property
    def severity_label(self) -> str:
        return Notice.Severity(self.severity).label

    @property
    def urgent(self) -> bool:
        return self.severity == Notice.Severity.URGENT


def fallback_languages(language: str) -> list[str]:
    """The languages to look for a notice in, best first: the visitor's, English, then Chinese."""
    order = [language, settings.FALLBACK_LANGUAGE_CODE, settings.LANGUAGE_CODE]
    return list(dict.fromkeys(order))


def showing_now(now: datetime) -> Q:
    return Q(starts_at__lte=now, ends_at__gt=now)


def unfinished_translations(notices: list[Notice]) -> set[int]:
    """The rows of `notices` that are not really translated yet.

    "Translate" (wagtail-localize) creates the notice in each chosen language at once, holding the
    Chinese text until the translator has done every segment and saved: such a row must not show
    as that language's notice. A row counts as unfinished while wagtail-localize has segments left
    to translate, or while its message is still the source's word for word (translated, but not
    yet saved to the notice). Rows written directly in a language have no wagtail-localize record
    and are judged by their message alone."""
    sources = {n.translation_key: n for n in notices if n.locale.language_code == settings.LANGUAGE_CODE}
    targets = {
        (n.translation_key, n.locale_id): n
        for n in notices
        if n.locale.language_code != settings.LANGUAGE_CODE
    }
    unfinished = {
        notice.pk
        for (key, _locale), notice in targets.items()
        if key in sources and notice.message == sources[key].message
    }
    if not targets:
        return unfinished
    translations = Translation.objects.filter(
        source__object_id__in={key for key, _locale in targets},
        source__specific_content_type=ContentType.objects.get_for_model(Notice),
        target_locale_id__in={locale for _key, locale in targets},
        enabled=True,
    ).select_related("source")
    for translation in translations:
        notice = targets.get((translation.source.object_id, translation.target_locale_id))
        if notice is not None and notice.pk not in unfinished:
            total, done = translation.get_progress()
            if done < total:
                unfinished.add(notice.pk)
    return unfinished


def choose_versions(notices: list[Notice], language: str) -> list[Notice]:
    """One version per translation key: the first of `fallback_languages` that exists and whose
    translation is finished."""
    rank = {code: index for index, code in enumerate(fallback_languages(language))}
    unfinished = unfinished_translations(notices)
    best: dict = {}
    for notice in notices:
        if notice.pk in unfinished:
            continue
        code = notice.locale.language_code
        if code not in rank:
            continue
        current = best.get(notice.translation_key)
        if current is None or rank[code] < rank[current.locale.language_code]:
            best[notice.translation_key] = notice
    return sorted(best.values(), key=lambda n: (SEVERITY_ORDER.get(n.severity, 9), -n.starts_at.timestamp()))


def build_notices(language: str, now: datetime, request=None) -> list[ShownNotice]:
    """The notices to show in `language` at `now` (queries the database)."""
    rows = list(Notice.objects.filter(showing_now(now)).select_related("locale", "link_page").order_by("pk"))
    chosen = choose_versions(rows, language)
    links = [notice.link_page for notice in chosen if notice.link_page is not None]
    localized = localized_pages(links, language) if links else {}
    shown = []
    for notice in chosen:
        url = ""
        if notice.link_page is not None:
            target = localized[notice.link_page.pk]
            # A translation found is live; the page itself (no translation) may not be.
            if target.pk != notice.link_page.pk or notice.link_page.live:
                url = target.get_url(request) or ""
        code = notice.locale.language_code
        shown.append(
            ShownNotice(
                pk=notice.pk,
                title=notice.title,
                message=notice.message,
                kind=notice.kind,
                severity=notice.severity,
                ends_at=notice.ends_at,
                language=code,
                fallback=code != language,
                link_url=url,
            )
        )
    return shown


def next_boundary(now: datetime) -> datetime | None:
    """The next moment a notice starts or ends (in any language), None when none is ahead."""
    bounds = Notice.objects.aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)), end=Min("ends_at", filter=Q(ends_at__gt=now))
    )
    upcoming = [moment for moment in bounds.values() if moment is not None]
    return min(upcoming) if upcoming else None


def cache_seconds(now: datetime, boundary: datetime | None) -> int:
    """Seconds until `boundary`, rounded up, between 1 and MAX_CACHE_SECONDS."""
    if boundary is None:
        return MAX_CACHE_SECONDS
    seconds = math.ceil((boundary - now) / timedelta(seconds=1))
    return max(1, min(MAX_CACHE_SECONDS, seconds))


def active_notices(language: str, request=None, *, now: datetime | None = None) -> list[ShownNotice]:
    """The notices to show on a page in `language`; from the cache on warm pages (no query)."""
    host = request.get_host() if request is not None else ""
    key = f"cityportal:notices:{site_version()}:{language}:{host}"
    notices = cache.get(key)
    if notices is None:
        now = now or timezone.now()
        notices = build_notices(language, now, request)
        cache.set(key, notices, timeout=cache_seconds(now, next_boundary(now)))
    return notices


def boundaries_between(since: datetime, until: datetime) -> int:
    """How many notices started or ended in (since, until]."""
    return Notice.objects.filter(
        Q(starts_at__gt=since, starts_at__lte=until) | Q(ends_at__gt=since, ends_at__lte=until)
    ).count()
