"""Filling a ProcedurePage from a catalogue entry, and reading back what the import sets.

The same filling serves three purposes: the Chinese source page, a copy of it holding another
language's text (whose segments become that language's StringTranslations), and unsaved pages on
which the reader checks that every language splits into the same segments before anything is
written.

Block ids are kept by position when a page is filled again, so a re-import leaves the segments'
contexts (and so their translations) where they were.
"""

import json
import uuid

from django.core.serializers.json import DjangoJSONEncoder

from ..models import ProcedurePage
from .schema import GUIDE_LISTS, GUIDE_TEXTS, GuideEntry

BLOCK_TYPES = {"materials": "material", "steps": "step", "routes": "route", "fees": "fee", "faqs": "faq"}
STRUCTURE_FIELDS = [
    "item_code",
    "department_id",
    "review_owner_id",
    "online_application_url",
    "status_check_url",
    "enquiry_phone",
    "complaint_phone",
    "fee_kind",
    "last_reviewed",
    "review_interval_days",
]
TEXT_FIELDS = [name for name, *_rest in GUIDE_TEXTS]
STREAM_FIELDS = [*GUIDE_LISTS, "related"]
MANY_TO_MANY = ["audiences", "sections", "offices"]


def raw_blocks(page: ProcedurePage, name: str) -> list[dict]:
    return list(getattr(page, name).raw_data) if page is not None else []


def block_id(existing: list[dict], position: int) -> str:
    if position < len(existing) and existing[position].get("id"):
        return existing[position]["id"]
    return str(uuid.uuid4())


def list_values(entry: GuideEntry, name: str, texts: dict, existing: list[dict]) -> list[dict]:
    """The raw StreamField value of one list: structure from the entry, texts in one language."""
    values = []
    for position, item_texts in enumerate(texts[name]):
        value = dict(item_texts)
        if name == "materials":
            kept = existing[position].get("value", {}) if position < len(existing) else {}
            # Blank forms and samples are documents chosen in the admin: an import keeps them.
            value |= entry.materials[position] | {
                "blank_form": kept.get("blank_form"),
                "sample": kept.get("sample"),
            }
        elif name == "routes":
            value |= entry.routes[position]
        elif name == "fees":
            value["amount"] = str(entry.fees[position]["amount"])
        values.append({"type": BLOCK_TYPES[name], "value": value, "id": block_id(existing, position)})
    return values


def set_stream(page: ProcedurePage, name: str, raw: list[dict]) -> None:
    stream_field = page._meta.get_field(name)
    setattr(page, name, stream_field.to_python(json.dumps(raw, cls=DjangoJSONEncoder)))


def fill_texts(page: ProcedurePage, entry: GuideEntry, language: str, *, ids_from=None) -> None:
    """Set every text of one language; lists keep the block ids (and documents) of `ids_from`."""
    texts = entry.texts[language]
    for name in TEXT_FIELDS:
        setattr(page, name, texts[name])
    for name in GUIDE_LISTS:
        set_stream(page, name, list_values(entry, name, texts, raw_blocks(ids_from, name)))


def fill_structure(page: ProcedurePage, entry: GuideEntry, *, departments, related_pages, ids_from=None):
    """Set what is the same in every language. `departments` maps codes to Department rows;
    `related_pages` maps item codes to the Chinese guides (a code not there yet is skipped)."""
    page.item_code = entry.item_code
    page.slug = entry.item_code
    page.department = departments[entry.department]
    page.review_owner = departments[entry.review_owner] if entry.review_owner else None
    for name in (
        "online_application_url",
        "status_check_url",
        "enquiry_phone",
        "complaint_phone",
        "fee_kind",
    ):
        setattr(page, name, getattr(entry, name))
    page.last_reviewed = entry.last_reviewed
    page.review_interval_days = entry.review_interval_days
    existing = raw_blocks(ids_from, "related")
    related = [code for code in entry.related if code in related_pages]
    set_stream(
        page,
        "related",
        [
            {"type": "procedure", "value": related_pages[code].pk, "id": block_id(existing, position)}
            for position, code in enumerate(related)
        ],
    )


def set_many_to_many(page: ProcedurePage, entry: GuideEntry, *, audiences, sections, offices) -> None:
    page.audiences = [audiences[code] for code in entry.audiences]
    page.sections = [sections[code] for code in entry.sections]
    page.offices = [offices[code] for code in entry.offices]


def without_ids(value):
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def snapshot(page: ProcedurePage) -> dict:
    """What the import sets, as plain data: block ids are left out, and values pass through JSON so
    that a value read from the database and one just built compare equal (PostgreSQL's jsonb
    reorders keys; decimals come back as text)."""
    data = {name: getattr(page, name) for name in (*STRUCTURE_FIELDS, *TEXT_FIELDS, "slug")}
    for name in STREAM_FIELDS:
        stream_block = page._meta.get_field(name).stream_block
        data[name] = without_ids(stream_block.get_prep_value(getattr(page, name)))
    for name in MANY_TO_MANY:
        data[name] = sorted(item.pk for item in getattr(page, name).all())
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def readable_path(page: ProcedurePage, path: str) -> str:
    """A segment path in the file's terms: block ids become list positions (materials[2].name)."""
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] in GUIDE_LISTS:
        ids = [block.get("id") for block in getattr(page, parts[0]).raw_data]
        if parts[1] in ids:
            return f"{parts[0]}[{ids.index(parts[1])}]" + "".join(f".{part}" for part in parts[2:])
    return path
