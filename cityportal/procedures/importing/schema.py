"""The catalogue format (docs/procedures-format.md): reading each record and checking every field.

Reading never touches the database: what exists already (codes of departments, offices and guides)
is passed in, so the same checks serve the import, its dry run and the tests.
"""

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from wagtail.models import Page
from wagtail_localize.strings import extract_strings

from cityportal.core.models import Department, Office
from cityportal.core.sections import Section

from ..blocks import FAQBlock, FeeBlock, MaterialBlock, MaterialForm, RouteBlock, StepBlock
from ..models import Audience, FeeKind, ProcedurePage
from .problems import Problems, Record, translated_texts

FORMAT = "cityportal-procedures/1"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MATERIAL_FORMS = [value for value, _label in MaterialForm.choices]


def model_limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def block_limit(block_class, name: str) -> int:
    return block_class.base_blocks[name].field.max_length


# Each text of a guide, per language: (name, kind, required, max length). Kinds: text, rich.
GUIDE_TEXTS = [
    ("title", "text", True, model_limit(Page, "title")),
    ("summary", "text", True, model_limit(ProcedurePage, "summary")),
    ("conditions", "rich", False, None),
    ("result", "text", False, model_limit(ProcedurePage, "result")),
    ("result_validity", "text", False, model_limit(ProcedurePage, "result_validity")),
    ("legal_basis", "rich", False, None),
]
# The lists of a guide that have texts: their items' texts, per language.
GUIDE_LISTS = {
    "materials": [
        ("name", "text", True, block_limit(MaterialBlock, "name")),
        ("notes", "text", False, block_limit(MaterialBlock, "notes")),
        ("exemption", "text", False, block_limit(MaterialBlock, "exemption")),
    ],
    "steps": [
        ("title", "text", True, block_limit(StepBlock, "title")),
        ("description", "rich", False, None),
    ],
    "routes": [
        ("name", "text", True, block_limit(RouteBlock, "name")),
        ("description", "text", False, block_limit(RouteBlock, "description")),
    ],
    "fees": [
        ("label", "text", True, block_limit(FeeBlock, "label")),
        ("note", "text", False, block_limit(FeeBlock, "note")),
    ],
    "faqs": [
        ("question", "text", True, block_limit(FAQBlock, "question")),
        ("answer", "rich", True, None),
    ],
}
# Lists whose length is set by the structure (the others by the Chinese text).
STRUCTURED_LISTS = ("materials", "routes", "fees")


@dataclass
class DepartmentEntry:
    where: str
    code: str
    phone: str = ""
    website: str = ""
    reminder_email: str = ""
    name: dict[str, str] = field(default_factory=dict)
    address: dict[str, str] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)  # the fields the file gives: the others are left as they are


@dataclass
class OfficeEntry:
    where: str
    code: str
    department: str = ""
    phone: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    hours: list[tuple[int, datetime.time, datetime.time]] = field(default_factory=list)
    name: dict[str, str] = field(default_factory=dict)
    address: dict[str, str] = field(default_factory=dict)
    directions: dict[str, str] = field(default_factory=dict)
    hours_note: dict[str, str] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)  # the fields the file gives: the others are left as they are


@dataclass
class GuideEntry:
    where: str
    item_code: str
    department: str = ""
    review_owner: str = ""
    audiences: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)
    online_application_url: str = ""
    status_check_url: str = ""
    enquiry_phone: str = ""
    complaint_phone: str = ""
    fee_kind: str = FeeKind.NONE
    last_reviewed: datetime.date | None = None
    review_interval_days: int = 180
    related: list[str] = field(default_factory=list)
    materials: list[dict] = field(default_factory=list)
    routes: list[dict] = field(default_factory=list)
    fees: list[dict] = field(default_factory=list)
    texts: dict[str, dict] = field(default_factory=dict)  # language -> the texts of GUIDE_TEXTS/GUIDE_LISTS

    @property
    def languages(self) -> list[str]:
        return [language for language in LANGUAGES if language in self.texts]


@dataclass
class Catalogue:
    departments: list[DepartmentEntry] = field(default_factory=list)
    offices: list[OfficeEntry] = field(default_factory=list)
    guides: list[GuideEntry] = field(default_factory=list)


@dataclass
class KnownCodes:
    """What the database already holds, for references to records outside the files."""

    departments: set[str] = field(default_factory=set)
    offices: set[str] = field(default_factory=set)
    guides: set[str] = field(default_factory=set)


def read_document(name: str, data: object, catalogue: Catalogue, problems: Problems) -> None:
    """Add the records of one parsed file to the catalogue."""
    top = Record(data, name, problems)
    if not isinstance(data, dict):
        return
    top.only(["format", "departments", "offices", "procedures"])
    if top.raw("format", None) != FORMAT:
        top.report("format", f"must be “{FORMAT}” (found “{top.raw('format', '')}”)")
        return
    for index, item in enumerate(top.records("departments")):
        catalogue.departments.append(read_department(name, index, item, problems))
    for index, item in enumerate(top.records("offices")):
        catalogue.offices.append(read_office(name, index, item, problems))
    for index, item in enumerate(top.records("procedures")):
        catalogue.guides.append(read_guide(name, index, item, problems))


def named(record: Record, file_name: str, kind: str, key: str, index: int, plural: str) -> Record:
    code = record.data.get(key)
    label = f'{kind} "{code}"' if isinstance(code, str) and code else f"{plural}[{index}]"
    return Record(record.data, f"{file_name}: {label}", record.problems)


def read_department(file_name: str, index: int, item: Record, problems: Problems) -> DepartmentEntry:
    record = named(item, file_name, "department", "code", index, "departments")
    record.only(["code", "phone", "website", "reminder_email", "name", "address"])
    return DepartmentEntry(
        where=record.where,
        given=set(record.data),
        code=record.code("code", required=True),
        phone=record.text("phone", max_length=model_limit(Department, "phone")),
        website=record.url("website"),
        reminder_email=record.email("reminder_email"),
        name=translated_texts(
            record,
            "name",
            languages=LANGUAGES,
            required=[SOURCE_LANGUAGE],
            max_length=model_limit(Department, "name"),
        ),
        address=translated_texts(
            record, "address", languages=LANGUAGES, max_length=model_limit(Department, "address")
        ),
    )


def read_office(file_name: str, index: int, item: Record, problems: Problems) -> OfficeEntry:
    record = named(item, file_name, "office", "code", index, "offices")
    record.only(
        [
            "code",
            "department",
            "phone",
            "latitude",
            "longitude",
            "hours",
            "name",
            "address",
            "directions",
            "hours_note",
        ]
    )
    entry = OfficeEntry(
        where=record.where,
        given=set(record.data),
        code=record.code("code", required=True),
        department=record.code("department"),
        phone=record.text("phone", max_length=model_limit(Office, "phone")),
        latitude=record.decimal("latitude", places=6, minimum=3, maximum=54),
        longitude=record.decimal("longitude", places=6, minimum=73, maximum=136),
        name=translated_texts(
            record,
            "name",
            languages=LANGUAGES,
            required=[SOURCE_LANGUAGE],
            max_length=model_limit(Office, "name"),
        ),
        address=translated_texts(
            record,
            "address",
            languages=LANGUAGES,
            required=[SOURCE_LANGUAGE],  # shown to taxi drivers beside every translation
            max_length=model_limit(Office, "address"),
        ),
        directions=translated_texts(record, "directions", languages=LANGUAGES),
        hours_note=translated_texts(
            record, "hours_note", languages=LANGUAGES, max_length=model_limit(Office, "hours_note")
        ),
    )
    if (entry.latitude is None) != (entry.longitude is None):
        record.report(
            "longitude" if entry.longitude is None else "latitude",
            "give both latitude and longitude, or neither",
        )
    entry.hours = read_hours(record)
    return entry


def read_hours(record: Record) -> list[tuple[int, datetime.time, datetime.time]]:
    periods = []
    for period in record.records("hours"):
        period.only(["days", "opens", "closes"])
        days = period.codes("days", choices=WEEKDAYS)
        if not days:
            period.report("days", f"missing (some of: {', '.join(WEEKDAYS)})")
        opens, closes = period.time("opens"), period.time("closes")
        if opens and closes and closes <= opens:
            period.report("closes", "must be after the opening time")
            continue
        for day in days:
            periods.append((WEEKDAYS.index(day), opens, closes, period))
    found = []
    for weekday, opens, closes, period in sorted(periods, key=lambda p: (p[0], p[1] or datetime.time())):
        if opens is None or closes is None:
            continue
        clash = next((p for p in found if p[0] == weekday and p[1] < closes and opens < p[2]), None)
        if clash:
            period.report("", f"overlaps another period on {WEEKDAYS[weekday]}")
            continue
        found.append((weekday, opens, closes))
    return found


def read_guide(file_name: str, index: int, item: Record, problems: Problems) -> GuideEntry:
    record = named(item, file_name, "procedure", "item_code", index, "procedures")
    record.only(
        [
            "item_code",
            "department",
            "review_owner",
            "audiences",
            "sections",
            "offices",
            "online_application_url",
            "status_check_url",
            "enquiry_phone",
            "complaint_phone",
            "fee_kind",
            "last_reviewed",
            "review_interval_days",
            "related",
            "materials",
            "routes",
            "fees",
            "translations",
        ]
    )
    entry = GuideEntry(
        where=record.where,
        item_code=record.code("item_code", required=True),
        department=record.code("department", required=True),
        review_owner=record.code("review_owner"),
        audiences=record.codes("audiences", choices=Audience.values),
        sections=record.codes("sections", choices=Section.values),
        offices=record.codes("offices"),
        online_application_url=record.url("online_application_url"),
        status_check_url=record.url("status_check_url"),
        enquiry_phone=record.text("enquiry_phone", max_length=model_limit(ProcedurePage, "enquiry_phone")),
        complaint_phone=record.text(
            "complaint_phone", max_length=model_limit(ProcedurePage, "complaint_phone")
        ),
        fee_kind=record.choice("fee_kind", FeeKind.values, default=FeeKind.NONE),
        last_reviewed=record.date("last_reviewed", required=True),
        review_interval_days=record.integer("review_interval_days", default=180, minimum=1, maximum=32767),
        related=record.codes("related"),
    )
    for material in record.records("materials"):
        material.only(["copies", "form", "seal_required", "translation_required"])
        entry.materials.append(
            {
                "copies": material.integer("copies", default=1, minimum=1, maximum=99),
                "form": material.choice("form", MATERIAL_FORMS, default="original"),
                "seal_required": material.boolean("seal_required"),
                "translation_required": material.boolean("translation_required"),
            }
        )
    for route in record.records("routes", required=True):
        route.only(["statutory_days", "committed_days", "visits"])
        statutory = route.integer("statutory_days", minimum=0, maximum=32767)
        committed = route.integer("committed_days", minimum=0, maximum=32767)
        if statutory is not None and committed is not None and committed > statutory:
            route.report(
                "committed_days",
                f"{committed} working days is longer than the statutory time limit ({statutory})",
            )
        visits = route.integer("visits", minimum=0, maximum=20)
        entry.routes.append({"statutory_days": statutory, "committed_days": committed, "visits": visits})
    for fee in record.records("fees"):
        fee.only(["amount"])
        entry.fees.append(
            {
                "amount": fee.decimal(
                    "amount", places=2, minimum=0, maximum=Decimal("99999999.99"), required=True
                )
            }
        )
    if entry.fee_kind == FeeKind.LISTED and not entry.fees:
        record.report("fees", "missing: fee_kind is “listed”, so list at least one fee")
    if entry.fee_kind != FeeKind.LISTED and entry.fees:
        record.report(
            "fee_kind", f"is “{entry.fee_kind}” but fees are listed: use “listed”, or remove the fees"
        )
    if entry.item_code and entry.item_code in entry.related:
        record.report("related", "a guide cannot be related to itself")
    read_guide_texts(record, entry)
    return entry


def read_guide_texts(record: Record, entry: GuideEntry) -> None:
    translations = record.mapping("translations", required=True)
    if translations is None:
        return
    for language in translations.data:
        if language not in LANGUAGES:
            translations.report(str(language), f"unknown language (the portal's are: {', '.join(LANGUAGES)})")
    if SOURCE_LANGUAGE not in translations.data:
        translations.report(SOURCE_LANGUAGE, "missing: the Chinese text is the source of every translation")
        return
    for language in [SOURCE_LANGUAGE, *(code for code in LANGUAGES if code != SOURCE_LANGUAGE)]:
        texts = translations.mapping(language)
        if texts is None:
            continue
        entry.texts[language] = read_language(texts, entry, language)


def read_language(texts: Record, entry: GuideEntry, language: str) -> dict:
    """One language's texts, checked against the structure and (for a translation) the Chinese source."""
    texts.only([*(name for name, *_rest in GUIDE_TEXTS), *GUIDE_LISTS])
    source = entry.texts.get(SOURCE_LANGUAGE) if language != SOURCE_LANGUAGE else None
    result: dict = {}
    for name, kind, required, max_length in GUIDE_TEXTS:
        result[name] = read_text(texts, name, kind, required, max_length)
    for list_name, item_fields in GUIDE_LISTS.items():
        items = texts.records(list_name)
        result[list_name] = []
        for item in items:
            item.only(name for name, *_rest in item_fields)
            result[list_name].append(
                {
                    name: read_text(item, name, kind, required, max_length)
                    for name, kind, required, max_length in item_fields
                }
            )
        if list_name in STRUCTURED_LISTS:
            expected = len(getattr(entry, list_name))
            if len(items) != expected:
                texts.report(list_name, f"{len(items)} items where the structure lists {expected}")
        elif source is not None and len(items) != len(source[list_name]):
            texts.report(
                list_name, f"{len(items)} items where the Chinese source has {len(source[list_name])}"
            )
    if source is not None:
        compare_with_source(texts, result, source)
    return result


def read_text(record: Record, name: str, kind: str, required: bool, max_length: int | None) -> str:
    if kind == "rich":
        return record.rich_text(name, required=required)
    return record.text(name, required=required, max_length=max_length)


def compare_with_source(texts: Record, translated: dict, source: dict) -> None:
    """A translation gives a text exactly where the source does, rich text in as many paragraphs and
    list items, with the same links: wagtail-localize pairs them segment by segment."""
    for name, kind, _required, _limit in GUIDE_TEXTS:
        compare_text(texts, name, kind, source[name], translated[name])
    for list_name, item_fields in GUIDE_LISTS.items():
        for position, (want, got) in enumerate(zip(source[list_name], translated[list_name], strict=False)):
            for name, kind, _required, _limit in item_fields:
                compare_text(texts, f"{list_name}[{position}].{name}", kind, want[name], got[name])


def compare_text(texts: Record, name: str, kind: str, source: str, translated: str) -> None:
    if bool(source) != bool(translated):
        texts.report(
            name,
            "missing (the Chinese source has it)" if source else "not in the Chinese source: leave it out",
        )
        return
    if kind != "rich" or not source:
        return
    source_links, translated_links = links_per_segment(source), links_per_segment(translated)
    if len(source_links) != len(translated_links):
        texts.report(
            name,
            f"{len(translated_links)} paragraphs or list items where the Chinese source has "
            f"{len(source_links)}",
        )
        return
    for number, (want_links, got_links) in enumerate(
        zip(source_links, translated_links, strict=True), start=1
    ):
        if want_links != got_links:
            texts.report(
                name,
                f"paragraph or list item {number} has links {describe_links(got_links)} where the Chinese "
                f"source has {describe_links(want_links)}: links are shared by every language",
            )
            return


@functools.lru_cache(maxsize=256)
def links_per_segment(html: str) -> tuple[dict, ...]:
    """The links of each segment (paragraph or list item) wagtail-localize splits a rich text into.

    Cached: a source text is compared with up to eight translations."""
    _template, strings = extract_strings(html)
    return tuple(attrs for _string, attrs in strings)


def describe_links(attrs: dict) -> str:
    hrefs = [value.get("href", "") for value in attrs.values()]
    return ", ".join(f"“{href}”" for href in hrefs) if hrefs else "none"


def check_references(catalogue: Catalogue, known: KnownCodes, problems: Problems) -> None:
    """Codes are unique in the catalogue, and every code a record names exists (in it or the database)."""
    departments = check_unique(catalogue.departments, "code", "department", problems) | known.departments
    offices = check_unique(catalogue.offices, "code", "office", problems) | known.offices
    guides = check_unique(catalogue.guides, "item_code", "procedure", problems) | known.guides
    for office in catalogue.offices:
        if office.department and office.department not in departments:
            problems.add(office.where, "department", f"unknown department “{office.department}”")
    for guide in catalogue.guides:
        for name in ("department", "review_owner"):
            code = getattr(guide, name)
            if code and code not in departments:
                problems.add(guide.where, name, f"unknown department “{code}”")
        for index, code in enumerate(guide.offices):
            if code not in offices:
                problems.add(guide.where, f"offices[{index}]", f"unknown office “{code}”")
        for index, code in enumerate(guide.related):
            if code not in guides:
                problems.add(guide.where, f"related[{index}]", f"unknown procedure “{code}”")


def check_unique(entries: list, key: str, kind: str, problems: Problems) -> set[str]:
    seen: dict[str, str] = {}
    for entry in entries:
        code = getattr(entry, key)
        if not code:
            continue
        if code in seen:
            problems.add(entry.where, key, f"the {kind} “{code}” is also given in {seen[code]}")
        else:
            seen[code] = entry.where.split(":")[0]
    return set(seen)
