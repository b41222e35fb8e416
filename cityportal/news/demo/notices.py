"""The demo's site-wide notices (the `notices` of archive/notices.yaml): one Chinese notice per key and
its translations, recorded through wagtail-localize as the pages' are, so translators can continue them.

A notice has no key field: its translation key is derived from the archive key (uuid5), which finds it
again on the next load. Times may be written relative to the load (`now-1d`, `now+30d`, `now+6h`); they
are set when a notice is first created and kept afterwards, so loading again changes nothing.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from cityportal.core.localize_sync import SegmentMismatch, record_strings, source_segments
from cityportal.home.models import HomePage
from cityportal.procedures.importing.problems import CatalogueError, Problems, Record
from cityportal.procedures.importing.schema import LANGUAGES, SOURCE_LANGUAGE, named

from ..models import Notice

RELATIVE = re.compile(r"^now([+-])(\d+)([dh])$")
# Fixed: the translation keys of demo notices are uuid5(NOTICE_KEYS, archive key).
NOTICE_KEYS = uuid.UUID("6c0f3f5e-52a4-4b8e-9d1e-2f6a1c7b9e10")
TEXT_FIELDS = ("title", "message")


@dataclass
class NoticeEntry:
    where: str
    key: str
    kind: str
    severity: str
    starts_at: datetime | None
    ends_at: datetime | None
    link: str
    texts: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def translation_key(self) -> uuid.UUID:
        return uuid.uuid5(NOTICE_KEYS, self.key)


def read_notices(records: list[Record], problems: Problems, now: datetime) -> list[NoticeEntry]:
    entries = []
    for index, item in enumerate(records):
        record = named(item, item.where, "notice", "key", index, "notices")
        record.only(["key", "kind", "severity", "starts_at", "ends_at", "link", "translations"])
        entry = NoticeEntry(
            where=record.where,
            key=record.code("key", required=True),
            kind=record.choice("kind", Notice.Kind.values),
            severity=record.choice("severity", Notice.Severity.values),
            starts_at=moment(record, "starts_at", now),
            ends_at=moment(record, "ends_at", now),
            link=record.text("link"),
        )
        if entry.starts_at and entry.ends_at and entry.ends_at <= entry.starts_at:
            record.report("ends_at", "must be after starts_at")
        entry.texts = notice_texts(record.mapping("translations", required=True))
        entries.append(entry)
    keys = [entry.key for entry in entries]
    for entry in entries:
        if keys.count(entry.key) > 1:
            problems.add(entry.where, "key", "another notice has this key")
    return entries


def notice_texts(translations: Record | None) -> dict[str, dict[str, str]]:
    """{language: {"title": …, "message": …}}; the Chinese text is required."""
    if translations is None:
        return {}
    found = {}
    for language in translations.data:
        if language not in LANGUAGES:
            translations.report(str(language), f"unknown language (the portal's are: {', '.join(LANGUAGES)})")
            continue
        texts = translations.mapping(language)
        texts.only(TEXT_FIELDS)
        found[language] = {
            name: texts.text(name, required=True, max_length=Notice._meta.get_field(name).max_length)
            for name in TEXT_FIELDS
        }
    if SOURCE_LANGUAGE not in found:
        translations.report(SOURCE_LANGUAGE, "missing: the Chinese text is the source of every translation")
    return found


def moment(record: Record, name: str, now: datetime) -> datetime | None:
    """An ISO date and time (Beijing time when it gives no zone), or `now±N` days (d) or hours (h)."""
    value = record.raw(name)
    match = RELATIVE.match(str(value)) if isinstance(value, str) else None
    if match:
        amount = timedelta(**{"days" if match[3] == "d" else "hours": int(match[2])})
        return now + amount if match[1] == "+" else now - amount
    if isinstance(value, str) and not match:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    record.report(name, f"“{value}” is not a date and time (e.g. 2026-12-01T08:00:00+08:00) or now±Nd/now±Nh")
    return None


class NoticeWriter:
    def __init__(self, log):
        self.log = log
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}
        self.locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}

    def link_page(self, entry: NoticeEntry) -> Page | None:
        if not entry.link:
            return None
        home = HomePage.objects.get(locale=self.locales[SOURCE_LANGUAGE])
        page = Page.objects.filter(url_path=f"{home.url_path}{entry.link.strip('/')}/").first()
        if page is None:
            raise CatalogueError(
                [f"{entry.where}, link: no page at {entry.link} under the Chinese home page"]
            )
        return page

    @transaction.atomic
    def write(self, entry: NoticeEntry) -> str:
        source_locale = self.locales[SOURCE_LANGUAGE]
        notice = Notice.objects.filter(translation_key=entry.translation_key, locale=source_locale).first()
        created = notice is None
        if created:
            notice = Notice(
                translation_key=entry.translation_key,
                locale=source_locale,
                starts_at=entry.starts_at,
                ends_at=entry.ends_at,
            )
        wanted = {
            **entry.texts[SOURCE_LANGUAGE],
            "kind": entry.kind,
            "severity": entry.severity,
            "link_page_id": getattr(self.link_page(entry), "pk", None),
        }
        changed = any(getattr(notice, name) != value for name, value in wanted.items())
        for name, value in wanted.items():
            setattr(notice, name, value)
        if created or changed:
            notice.full_clean()
            notice.save()
        translated = self.translate(entry, notice, rebuild=created or changed)
        status = "created" if created else "updated" if changed or translated else "unchanged"
        self.counts[status] += 1
        self.log(f"notice {entry.key}: {status}")
        return status

    def translate(self, entry: NoticeEntry, notice: Notice, *, rebuild: bool) -> bool:
        source, _created = TranslationSource.update_or_create_from_instance(notice)
        originals = source_segments(source)
        written = False
        for language, texts in entry.texts.items():
            if language == SOURCE_LANGUAGE:
                continue
            locale = self.locales[language]
            draft = Notice(**{name: texts[name] for name in TEXT_FIELDS})
            try:
                changed = record_strings(source, draft, locale, originals)
            except SegmentMismatch as error:
                raise CatalogueError(
                    [f"{entry.where}, translations.{language}: {error.describe()}"]
                ) from error
            Translation.objects.get_or_create(source=source, target_locale=locale, defaults={"enabled": True})
            missing = not Notice.objects.filter(
                translation_key=notice.translation_key, locale=locale
            ).exists()
            if rebuild or changed or missing:
                source.create_or_update_translation(locale, fallback=True)
                written = True
        return written
