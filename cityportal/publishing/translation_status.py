"""Whether each translated page still matches its Chinese source ("out of date").

A translation is *up to date* when, the last time it was published, every text segment of its
wagtail-localize translation was translated: its TranslationStatus row then holds the fingerprint
of the Chinese page's text as it was. Publishing the Chinese page with different text sets
`out_of_date_since` on every translation whose fingerprint differs; publishing a complete
translation again clears it. Changes that are not text (dates, images, links, the go-live time)
leave the fingerprint, and so the translations, alone.

Both functions run from the `page_published` signal (publishing/signals.py).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Revision
from wagtail_localize.models import Translation, TranslationSource

from cityportal.core.localize_sync import shape, string_segments
from cityportal.core.site_version import bump_site_version

from .models import TranslationStatus

SOURCE_LANGUAGE = settings.LANGUAGE_CODE


def fingerprint(page: Page) -> str:
    """sha256 of the page's translatable text: each string segment's position and text, in order.

    Block ids are left out of the positions (core.localize_sync.shape), so deleting a paragraph and
    typing the same text again changes nothing; link targets are not text either."""
    digest = hashlib.sha256()
    for segment in string_segments(page.specific):
        digest.update(shape(segment.path).encode())
        digest.update(b"\x1f")
        digest.update(segment.string.data.encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def source_of(page: Page) -> Page | None:
    """The page in the source language (Chinese) with the same translation key, if there is one."""
    return (
        Page.objects.filter(translation_key=page.translation_key, locale__language_code=SOURCE_LANGUAGE)
        .specific()
        .first()
    )


def is_source(page: Page) -> bool:
    return page.locale.language_code == SOURCE_LANGUAGE


def synced_translation(page: Page) -> Translation | None:
    """The page's wagtail-localize translation from Chinese; None for a page edited by hand in its
    language (never synced, or its sync stopped)."""
    return (
        Translation.objects.filter(
            source__object_id=page.translation_key,
            source__locale__language_code=SOURCE_LANGUAGE,
            target_locale_id=page.locale_id,
            enabled=True,
        )
        .select_related("source")
        .first()
    )


def is_complete(translation: Translation | None, revision: Revision | None) -> bool:
    """Whether a published revision of a translated page renders the whole current source.

    A page edited by hand is trusted to follow its source. A synced one must have every segment
    translated, and the revision must have been built after the source's last change: a revision
    submitted before the Chinese page changed is approved with the old text."""
    if translation is None:
        return True
    if revision is not None and revision.created_at < translation.source.last_updated_at:
        return False
    total, translated = translation.get_progress()
    return translated == total


@transaction.atomic
def record_translation_published(page: Page, revision: Revision | None = None) -> TranslationStatus | None:
    """A translated page was published (`revision`): up to date if it is complete, else out of date."""
    source = source_of(page)
    if source is None or source.pk == page.pk:
        return None
    complete = is_complete(synced_translation(page), revision)
    status = TranslationStatus.objects.select_for_update().filter(page=page).first()
    if complete:
        values = {"source_fingerprint": fingerprint(source), "out_of_date_since": None}
    else:
        # Out of date until a complete version is published. An empty fingerprint never matches the
        # source's, whatever it publishes next.
        since = status.out_of_date_since if status and status.out_of_date_since else timezone.now()
        values = {"source_fingerprint": "", "out_of_date_since": since}
    if status is None:
        status = TranslationStatus.objects.create(page=page, **values)
        _refresh_public_pages()
    elif any(getattr(status, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(status, name, value)
        status.save()
        _refresh_public_pages()
    return status


@transaction.atomic
def record_source_published(page: Page) -> list[TranslationStatus]:
    """A Chinese page was published: flag each translation made against different text.

    Also brings the page's wagtail-localize TranslationSource up to date, so translators see the new
    and changed segments in the translation editor. Segments keep their translations where the Chinese
    text is unchanged (StringTranslations belong to the text, not to the source's snapshot).

    Returns the statuses that became out of date."""
    page = page.specific
    new = fingerprint(page)
    previous = _sync_translation_source(page)
    translation_ids = list(
        Page.objects.filter(translation_key=page.translation_key)
        .exclude(pk=page.pk)
        .values_list("pk", flat=True)
    )
    statuses = {
        status.page_id: status
        for status in TranslationStatus.objects.select_for_update().filter(page_id__in=translation_ids)
    }
    now = timezone.now()
    created, updated, flagged = [], [], []
    for page_id in translation_ids:
        status = statuses.get(page_id)
        if status is None:
            # A translation from before statuses were kept was made against the source's previous
            # snapshot, when there is one; otherwise nothing is known about it.
            if previous is not None:
                status = TranslationStatus(
                    page_id=page_id,
                    source_fingerprint=previous,
                    out_of_date_since=None if previous == new else now,
                )
                created.append(status)
                flagged += [status] if status.out_of_date_since else []
        elif status.source_fingerprint == new and status.out_of_date_since is not None:
            status.out_of_date_since = None  # the source went back to the text that was translated
            updated.append(status)
        elif status.source_fingerprint != new and status.out_of_date_since is None:
            status.out_of_date_since = now  # an earlier date, when set, stays: out of date since then
            updated.append(status)
            flagged.append(status)
    for status in updated:
        status.checked_at = now  # bulk_update leaves auto_now fields as they were
    TranslationStatus.objects.bulk_create(created)
    TranslationStatus.objects.bulk_update(updated, ["out_of_date_since", "checked_at"])
    if created or updated:
        _refresh_public_pages()
    return flagged


def _status_of(page: Page) -> TranslationStatus | None:
    try:
        return page.translation_status
    except TranslationStatus.DoesNotExist:
        return None


def _sync_translation_source(page: Page) -> str | None:
    """Update the page's TranslationSource from the page; return the fingerprint of what it held before
    (None when the page has never been translated with wagtail-localize, which then needs no source)."""
    source = TranslationSource.objects.filter(
        object_id=page.translation_key, locale_id=page.locale_id
    ).first()
    if source is None:
        return None
    previous = fingerprint(source.as_instance())
    TranslationSource.update_or_create_from_instance(page)
    return previous


def _refresh_public_pages() -> None:
    # The notice on public pages is cached under the site version. Publishing already changed it, but
    # before this transaction committed: a page served in between may have cached the old status.
    transaction.on_commit(bump_site_version)


def out_of_date_page_ids() -> frozenset[int]:
    return frozenset(
        TranslationStatus.objects.filter(out_of_date_since__isnull=False).values_list("page_id", flat=True)
    )


@dataclass(frozen=True)
class NoticeVersion:
    """A language version a reader of an out-of-date translation can turn to."""

    page_id: int
    language: str
    last_published_at: datetime | None


@dataclass(frozen=True)
class OutOfDate:
    since: datetime
    source: NoticeVersion
    newest_up_to_date: NoticeVersion | None


def out_of_date(page: Page) -> tuple[OutOfDate | None, dict[int, Page]]:
    """Whether a live translation is out of date, with its source and the newest up-to-date translation
    in another language (most recently published first). One query, for the page family.

    Also returns the family's pages by id, so the caller can build their URLs."""
    family = {
        row.pk: row
        for row in Page.objects.filter(translation_key=page.translation_key, live=True)
        .select_related("locale", "translation_status")
        .only(
            "id",
            "title",
            "path",
            "depth",
            "url_path",
            "translation_key",
            "last_published_at",
            "locale__language_code",
            "translation_status__out_of_date_since",
        )
    }
    own = family.get(page.pk)
    status = _status_of(own) if own is not None else None
    source = next((row for row in family.values() if row.locale.language_code == SOURCE_LANGUAGE), None)
    if status is None or status.out_of_date_since is None or source is None or source.pk == page.pk:
        return None, family
    up_to_date = [
        row
        for row in family.values()
        if row.pk not in (page.pk, source.pk)
        and ((row_status := _status_of(row)) is None or row_status.out_of_date_since is None)
    ]
    newest = max(
        up_to_date,
        key=lambda row: (row.last_published_at is not None, row.last_published_at or timezone.now()),
        default=None,
    )

    def version(row: Page) -> NoticeVersion:
        return NoticeVersion(row.pk, row.locale.language_code, row.last_published_at)

    notice = OutOfDate(
        since=status.out_of_date_since,
        source=version(source),
        newest_up_to_date=version(newest) if newest is not None else None,
    )
    return notice, family
