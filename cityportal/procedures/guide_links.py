"""Guides chosen with page choosers, shown in the visitor's language in one query.

Editors choose guides on the Chinese source; wagtail-localize copies chooser values into every
translation, so a French journey or finder still points at the Chinese guides. Reading the chosen
ids from the raw StreamField data and fetching this language's live versions together with the ids'
translation keys costs one query for all of them (loading the chosen pages first would cost one more,
and fetch every guide's whole body).
"""

from collections.abc import Iterable

from django.db.models import Q, Subquery
from wagtail.models import Page

LISTING_FIELDS = (
    "id",
    "title",
    "summary",
    "path",
    "depth",
    "url_path",
    "translation_key",
    "locale_id",
    "live",
)


def chosen_ids(raw_items) -> list[int]:
    """Page ids from the raw data of a list or stream of page choosers (items may be bare ids)."""
    ids = []
    for item in raw_items or ():
        if isinstance(item, dict):
            item = item.get("value")
        if isinstance(item, int):
            ids.append(item)
    return ids


def guides_in_language(page_ids: Iterable[int], locale_id: int) -> dict[int, Page]:
    """Map each chosen page id to its live version in the locale; untranslated guides are left out."""
    from .models import ProcedurePage

    ids = {page_id for page_id in page_ids if page_id}
    if not ids:
        return {}
    keys = Page.objects.filter(id__in=ids).values("translation_key")
    rows = (
        ProcedurePage.objects.filter(translation_key__in=Subquery(keys))
        .filter(Q(id__in=ids) | Q(locale_id=locale_id, live=True))
        .only(*LISTING_FIELDS)
    )
    key_of: dict[int, object] = {}
    in_language = {}
    for row in rows:
        if row.id in ids:
            key_of[row.id] = row.translation_key
        if row.locale_id == locale_id and row.live:
            in_language[row.translation_key] = row
    return {
        page_id: in_language[key_of[page_id]]
        for page_id in ids
        if page_id in key_of and key_of[page_id] in in_language
    }
