"""Write a translated text through wagtail-localize, as an editor's translation would be written.

Loaders and importers that hold a page's text in several languages (the demo loaders, the procedure
catalogue import) fill a copy of the Chinese source page with another language's text, then
`translate_page` records that text as one StringTranslation per segment of the page's
TranslationSource (paired by position) and builds and publishes the translated page from them. The
translation workflow then knows every translated segment: when an editor later changes one source
sentence and syncs, only that segment is flagged and the others keep their translation.

Nothing is written when the text and the source are what the database already holds.
"""

import re
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from modelsearch.index import get_indexed_models
from modelsearch.signal_handlers import post_save_signal_handler as search_index_on_save
from modelsearch.tasks import insert_or_update_object_task
from wagtail.models import Locale, Page, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.tasks import update_reference_index_task
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments
from wagtail_localize.strings import StringValue, validate_translation_links

SOURCE_LANGUAGE = settings.LANGUAGE_CODE
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def shape(path: str) -> str:
    """A segment's path without its block ids: two languages' segments line up when their shapes do."""
    return UUID.sub("*", path)


def string_segments(instance: Page) -> list[StringSegmentValue]:
    return [segment for segment in extract_segments(instance) if isinstance(segment, StringSegmentValue)]


class SegmentMismatch(Exception):  # noqa: N818 - reads as what it reports
    """A translation's text segments do not line up with its source's.

    `path` is the first segment path (with its block ids) where they part, or "" when one simply has
    more segments than the other."""

    def __init__(self, expected: list[str], found: list[str], path: str = ""):
        self.expected, self.found, self.path = expected, found, path
        super().__init__(self.describe())

    def describe(self) -> str:
        return (
            f"has {len(self.found)} text segments where the Chinese source has {len(self.expected)}"
            f"{self.first_difference()}"
        )

    def first_difference(self) -> str:
        for index, (want, got) in enumerate(zip(self.expected, self.found, strict=False)):
            if want != got:
                return f" (segment {index + 1}: {got} where the source has {want})"
        return ""


def check_alignment(source: Page | list[StringSegmentValue], translated: Page) -> None:
    """Raise SegmentMismatch unless the two (unsaved) instances split into segments of the same shape.

    `source` may be given as its string_segments(), when several translations are checked against it."""
    source_values = source if isinstance(source, list) else string_segments(source)
    translated_values = string_segments(translated)
    expected = [shape(segment.path) for segment in source_values]
    found = [shape(segment.path) for segment in translated_values]
    if found != expected:
        path = next(
            (
                got.path
                for want, got in zip(source_values, translated_values, strict=False)
                if shape(want.path) != shape(got.path)
            ),
            "",
        )
        raise SegmentMismatch(expected, found, path)


def source_for(page: Page) -> TranslationSource:
    """The page's TranslationSource, brought up to date with the page (unchanged when it is)."""
    source, _created = TranslationSource.update_or_create_from_instance(page)
    return source


def source_segments(source: TranslationSource) -> list[StringSegment]:
    return list(
        StringSegment.objects.filter(source=source).select_related("string", "context").order_by("order")
    )


def record_strings(
    source: TranslationSource,
    translated: Page,
    locale: Locale,
    originals: list[StringSegment] | None = None,
) -> bool:
    """Record `translated`'s text as StringTranslations of the source's segments; True if any changed.

    `translated` is a copy of the source page filled with the other language's text. Pass `originals`
    (source_segments(source)) when recording several languages of one source."""
    if originals is None:
        originals = source_segments(source)
    values = string_segments(translated)
    expected = [shape(original.context.path) for original in originals]
    found = [shape(value.path) for value in values]
    if found != expected:
        path = next(
            (
                value.path
                for original, value in zip(originals, values, strict=False)
                if shape(original.context.path) != shape(value.path)
            ),
            "",
        )
        raise SegmentMismatch(expected, found, path)
    existing = {
        (item.translation_of_id, item.context_id): item
        for item in StringTranslation.objects.filter(
            locale=locale,
            translation_of__in={original.string_id for original in originals},
            context__in={original.context_id for original in originals},
        )
    }
    created, changed = [], False
    for original, value in zip(originals, values, strict=True):
        data = value.string.data
        current = existing.get((original.string_id, original.context_id))
        if current is None:
            created.append(
                StringTranslation(
                    translation_of=original.string,
                    locale=locale,
                    context=original.context,
                    data=data,
                    translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
                    has_error=not is_valid_translation(original.string.data, data),
                )
            )
        elif current.data != data or current.has_error:
            current.data = data
            current.has_error = False
            current.field_error = ""
            current.save()  # validates the text again, as wagtail-localize's editor does
            changed = True
    # One insert for a whole language: most of an import's new rows.
    StringTranslation.objects.bulk_create(created)
    return changed or bool(created)


def is_valid_translation(source: str, data: str) -> bool:
    """wagtail-localize's own check on a saved StringTranslation (which bulk_create skips)."""
    try:
        StringValue.from_translated_html(data)
        validate_translation_links(source, data)
    except ValueError:
        return False
    return True


def publish_translation(
    source: TranslationSource, source_page: Page, locale: Locale, *, strings_changed: bool
) -> bool:
    """Build and publish the translated page when it is missing or older than its source or strings.

    Returns whether a translation was written."""
    translation, created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    target = source_page.get_translation_or_none(locale)
    outdated = (
        target is None
        or target.latest_revision_created_at is None
        or target.latest_revision_created_at < source.last_updated_at
    )
    if not (created or strings_changed or outdated):
        return False
    # Saved as a draft, then published here from a fresh copy: wagtail-localize would publish on
    # commit from the copy it held, which may predate later changes to the tree.
    translated, _created = source.create_or_update_translation(
        locale, publish=False, copy_parent_pages=True, fallback=True
    )
    Page.objects.get(pk=translated.pk).specific.get_latest_revision().publish()
    return True


def translate_page(
    source: TranslationSource,
    source_page: Page,
    translated: Page,
    locale: Locale,
    originals: list[StringSegment] | None = None,
) -> bool:
    """Record the translated text and publish the translation if anything changed; True if it did."""
    changed = record_strings(source, translated, locale, originals)
    return publish_translation(source, source_page, locale, strings_changed=changed)


_deferring_index_updates = False


@contextmanager
def index_updates_once():
    """Queue one search-index and one reference-index update per object saved in the block, when it
    ends, instead of one of each per save: a loaded page is saved four or five times (placed in the
    tree, copied for translation, revised, published), and the background worker would index it as
    often.

    The search index's save handler is disconnected for the whole process meanwhile, so this is for
    management commands (load_demo, import_procedures), never for web requests. Inside a transaction
    the updates are queued in it, so a rollback drops them with everything else. Nested uses leave
    the queueing to the outermost."""
    global _deferring_index_updates  # one flag for the process, as the signal handlers are
    if _deferring_index_updates:
        yield
        return
    _deferring_index_updates = True
    searched = {model for model in get_indexed_models() if getattr(model, "search_auto_update", True)}
    saved: dict[tuple[str, str, str], type] = {}

    def remember(sender, instance, raw=False, **kwargs):
        if not raw:
            saved[(instance._meta.app_label, instance._meta.model_name, str(instance.pk))] = type(instance)

    for model in searched:
        post_save.disconnect(search_index_on_save, sender=model)
    post_save.connect(remember, weak=False, dispatch_uid="localize_sync.index_updates_once")
    try:
        with disable_reference_index_auto_update():
            yield
    except BaseException:
        if not transaction.get_connection().in_atomic_block:
            queue_index_updates(saved, searched)  # what was committed before the error
        raise
    else:
        queue_index_updates(saved, searched)
    finally:
        _deferring_index_updates = False
        post_save.disconnect(dispatch_uid="localize_sync.index_updates_once")
        for model in searched:
            post_save.connect(search_index_on_save, sender=model)


def queue_index_updates(saved: dict[tuple[str, str, str], type], searched: set[type]) -> None:
    by_model: dict[type, set[str]] = {}
    for (_app_label, _model_name, pk), model in saved.items():
        by_model.setdefault(model, set()).add(pk)
    for model, pks in by_model.items():
        existing = {str(pk) for pk in model._default_manager.filter(pk__in=pks).values_list("pk", flat=True)}
        for pk in sorted(existing):
            if model in searched:
                insert_or_update_object_task.enqueue(model._meta.app_label, model._meta.model_name, pk)
            if model in ReferenceIndex.tracked_models:
                update_reference_index_task.enqueue(model._meta.app_label, model._meta.model_name, pk)
