"""Writing the database's departments, offices and guides as a catalogue file (docs/procedures-format.md).

The structure of each guide is read from its Chinese source page, each language's texts from that
language's live page, so the file shows what visitors read, and importing it again changes nothing.
"""

import datetime
import json
import re
from collections import defaultdict
from pathlib import Path

import yaml
from modeltranslation.utils import build_localized_fieldname

from cityportal.core.models import Department, Office

from .importing.files import YAML_SUFFIXES
from .importing.schema import FORMAT, GUIDE_LISTS, GUIDE_TEXTS, LANGUAGES, SOURCE_LANGUAGE, WEEKDAYS
from .models import ProcedurePage

MATERIAL_STRUCTURE = ("copies", "form", "seal_required", "translation_required")
ROUTE_STRUCTURE = ("statutory_days", "committed_days", "visits")


def per_language(record, field_name: str) -> dict[str, str]:
    texts = {}
    for language in LANGUAGES:
        text = getattr(record, build_localized_fieldname(field_name, language)) or ""
        if text:
            texts[language] = text
    return texts


def with_texts(data: dict, record, fields) -> dict:
    for name in fields:
        texts = per_language(record, name)
        if texts:
            data[name] = texts
    return data


def export_department(department: Department) -> dict:
    data = {"code": department.code}
    for name in ("phone", "website", "reminder_email"):
        if getattr(department, name):
            data[name] = getattr(department, name)
    return with_texts(data, department, ("name", "address"))


def export_hours(office: Office) -> list[dict]:
    """Periods with the same times on several days become one entry: {days: [mon, …], opens, closes}."""
    days_by_period: dict[tuple, list[str]] = defaultdict(list)
    for period in office.opening_hours.all():
        days_by_period[(period.opens, period.closes)].append(WEEKDAYS[period.weekday])
    return [
        {"days": days, "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}
        for (opens, closes), days in sorted(
            days_by_period.items(), key=lambda item: (WEEKDAYS.index(item[1][0]), item[0])
        )
    ]


def export_office(office: Office) -> dict:
    data = {"code": office.code}
    if office.department_id:
        data["department"] = office.department.code
    if office.phone:
        data["phone"] = office.phone
    if office.has_position:
        data["latitude"] = float(office.latitude)
        data["longitude"] = float(office.longitude)
    hours = export_hours(office)
    if hours:
        data["hours"] = hours
    return with_texts(data, office, ("name", "address", "directions", "hours_note"))


def block_values(page: ProcedurePage, name: str) -> list[dict]:
    return [block["value"] for block in page._meta.get_field(name).get_prep_value(getattr(page, name))]


def export_texts(page: ProcedurePage) -> dict:
    """One language's texts, as the page shows them; empty optional texts are left out."""
    texts = {}
    for name, _kind, _required, _limit in GUIDE_TEXTS:
        if getattr(page, name):
            texts[name] = getattr(page, name)
    for list_name, item_fields in GUIDE_LISTS.items():
        items = [
            {name: value[name] for name, *_rest in item_fields if value.get(name)}
            for value in block_values(page, list_name)
        ]
        if items:
            texts[list_name] = items
    return texts


def export_guide(source: ProcedurePage, translations: dict[str, ProcedurePage], codes_by_page: dict) -> dict:
    data = {"item_code": source.item_code, "department": source.department.code}
    if source.review_owner_id:
        data["review_owner"] = source.review_owner.code
    data["audiences"] = [tag.code for tag in source.audiences.all()]
    data["sections"] = [tag.code for tag in source.sections.all()]
    data["offices"] = [office.code for office in source.offices.all()]
    for name in ("online_application_url", "status_check_url", "enquiry_phone", "complaint_phone"):
        if getattr(source, name):
            data[name] = getattr(source, name)
    data["fee_kind"] = source.fee_kind
    data["last_reviewed"] = source.last_reviewed
    data["review_interval_days"] = source.review_interval_days
    related = [codes_by_page[pk] for pk in block_values(source, "related") if pk in codes_by_page]
    if related:
        data["related"] = related
    materials = [
        {name: value[name] for name in MATERIAL_STRUCTURE} for value in block_values(source, "materials")
    ]
    if materials:
        data["materials"] = materials
    data["routes"] = [
        {name: value.get(name) for name in ROUTE_STRUCTURE} for value in block_values(source, "routes")
    ]
    fees = [{"amount": str(value["amount"])} for value in block_values(source, "fees")]
    if fees:
        data["fees"] = fees
    data["translations"] = {SOURCE_LANGUAGE: export_texts(source)} | {
        language: export_texts(translations[language]) for language in LANGUAGES if language in translations
    }
    return data


def export_catalogue() -> dict:
    """The whole catalogue as one document (departments, offices, guides ordered by code)."""
    pages = ProcedurePage.objects.select_related("locale", "department", "review_owner").prefetch_related(
        "audiences", "sections", "offices"
    )
    sources, translations = [], defaultdict(dict)
    for page in pages.order_by("item_code"):
        if page.locale.language_code == SOURCE_LANGUAGE:
            sources.append(page)
        elif page.live:
            translations[page.translation_key][page.locale.language_code] = page
    codes_by_page = {page.pk: page.item_code for page in sources}
    return {
        "format": FORMAT,
        "departments": [export_department(department) for department in Department.objects.order_by("code")],
        "offices": [
            export_office(office)
            for office in Office.objects.select_related("department")
            .prefetch_related("opening_hours")
            .order_by("code")
        ],
        "procedures": [
            export_guide(page, translations[page.translation_key], codes_by_page) for page in sources
        ],
    }


class CatalogueDumper(yaml.SafeDumper):
    """YAML as people write it: short lists of codes on one line, times in quotes (YAML 1.1 would
    read an unquoted 17:00 as a number)."""

    def represent_list(self, data):
        flat = bool(data) and all(isinstance(item, str | int | float | bool) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)

    def represent_str(self, data):
        if re.fullmatch(r"\d{1,2}:\d{2}", data):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


CatalogueDumper.add_representer(list, CatalogueDumper.represent_list)
CatalogueDumper.add_representer(str, CatalogueDumper.represent_str)


def json_default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def write_catalogue(path: Path) -> dict:
    """Write the catalogue to `path` (YAML or JSON by its extension); return the document written."""
    document = export_catalogue()
    if Path(path).suffix.lower() in YAML_SUFFIXES:
        text = yaml.dump(document, Dumper=CatalogueDumper, allow_unicode=True, sort_keys=False, width=4096)
    elif Path(path).suffix.lower() == ".json":
        text = json.dumps(document, ensure_ascii=False, indent=2, default=json_default) + "\n"
    else:
        raise ValueError(f"{Path(path).name}: the name must end in .yaml, .yml or .json")
    Path(path).write_text(text, encoding="utf-8")
    return document
