"""Build the appointments demo from services.yaml (format in docs/demo-content.md).

In one transaction: the services and the offices that provide them (created or updated by code),
sample opening hours for the offices that have none (generic offices such as "your local police
station" would otherwise have no slots), the holiday calendar of this year and the next, marked
confirmed so that the demo stays bookable (a real site confirms each year by hand), and the slots of
every service's booking window.

It runs after the procedures demo, which creates the offices and the guides. Running it twice
changes nothing: rows are written only when they differ from the file, and slots are only added.
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from cityportal.core.models import CalendarYear, Office, OfficeHours, SectionTag
from cityportal.core.sections import Section
from cityportal.core.services.calendar import seed_calendar_year
from cityportal.procedures.importing import CatalogueError
from cityportal.procedures.importing.files import parse_file
from cityportal.procedures.importing.problems import Problems, Record, translated_texts
from cityportal.procedures.importing.schema import read_hours
from cityportal.procedures.models import ProcedurePage

from ..models import AppointmentService, ServiceOffice
from ..schedule import BEIJING
from ..services import ensure_slots

DEMO_FILE = Path(__file__).parent / "services.yaml"
FORMAT = "cityportal-appointments/1"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
TEXT_FIELDS = {"name": 200, "description": None, "documents_to_bring": None}  # field: max length
SERVICE_FIELDS = [
    "code",
    "procedures",
    "sections",
    "offices",
    "slot_minutes",
    "capacity_per_slot",
    "buffer_minutes",
    "booking_window_days",
    "min_notice_minutes",
    "same_day_cutoff",
    "daily_cap",
    *TEXT_FIELDS,
]

Hours = list[tuple[int, dt.time, dt.time]]  # (weekday, opens, closes)


@dataclass(frozen=True)
class SampleHours:
    hours: Hours
    note: dict[str, str]


@dataclass
class DemoService:
    code: str
    procedures: list[str]
    sections: list[str]
    offices: list[tuple[str, dict[str, str]]]  # (office code, counter per language)
    rules: dict[str, object]  # slot length, places, window, notice, cut-off, cap, buffer
    texts: dict[str, dict[str, str]]  # field -> language -> text


@dataclass
class AppointmentsDemo:
    services: list[DemoService]
    typical_hours: SampleHours
    hours_by_office: dict[str, SampleHours]

    def office_codes(self) -> list[str]:
        return list(dict.fromkeys(code for service in self.services for code, _counter in service.offices))

    def sample_hours(self, office_code: str) -> SampleHours:
        return self.hours_by_office.get(office_code, self.typical_hours)


@dataclass
class AppointmentsDemoReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    slots_created: int = 0
    years_seeded: list[int] = field(default_factory=list)
    offices_given_hours: list[str] = field(default_factory=list)
    missing_guides: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"Appointments demo: {self.created} services created, {self.updated} updated, "
            f"{self.unchanged} unchanged; {self.slots_created} slots added; sample hours given to "
            f"{len(self.offices_given_hours)} offices; calendar years seeded: "
            f"{', '.join(map(str, self.years_seeded)) or 'none'} ({self.seconds:.1f} s)."
        )


# --- reading services.yaml ------------------------------------------------------------------------


def read_demo(path: Path = DEMO_FILE) -> AppointmentsDemo:
    """Read and check the file, writing nothing. Raises CatalogueError listing every problem."""
    problems = Problems()
    data = parse_file(path, problems)
    problems.raise_if_any()
    top = Record(data, path.name, problems)
    top.only(["format", "sample_hours", "shared", "services"])  # `shared` only holds YAML anchors
    if top.raw("format", None) != FORMAT:
        top.report("format", f"must be “{FORMAT}”")
        problems.raise_if_any()
    sample = top.mapping("sample_hours", required=True) or Record({}, path.name, problems, "sample_hours")
    sample.only(["typical", "offices"])
    typical = read_sample_hours(sample.mapping("typical", required=True), sample.at("typical"))
    by_office = sample.mapping("offices") or Record({}, path.name, problems)
    hours_by_office = {str(code): read_sample_hours(by_office.mapping(code), "") for code in by_office.data}
    services = [
        read_service(item, path.name, n) for n, item in enumerate(top.records("services", required=True))
    ]
    seen: set[str] = set()
    for service in services:
        if service.code in seen:
            problems.add(path.name, f'service "{service.code}"', "another service has this code")
        seen.add(service.code)
    problems.raise_if_any()
    return AppointmentsDemo(services, typical, hours_by_office)


def read_sample_hours(record: Record | None, where: str) -> SampleHours:
    if record is None:
        return SampleHours([], {})
    record.only(["hours", "note"])
    hours = read_hours(record)
    if not hours:
        record.report("hours", f"missing: give the opening periods{' of ' + where if where else ''}")
    note = translated_texts(record, "note", languages=LANGUAGES, required=LANGUAGES, max_length=300)
    return SampleHours(hours, note)


def read_service(item: Record, file_name: str, index: int) -> DemoService:
    code = item.data.get("code")
    label = f'service "{code}"' if isinstance(code, str) else f"services[{index}]"
    record = Record(item.data, f"{file_name}: {label}", item.problems)
    record.only(SERVICE_FIELDS)
    texts = {
        name: translated_texts(record, name, languages=LANGUAGES, required=LANGUAGES, max_length=limit)
        for name, limit in TEXT_FIELDS.items()
    }
    lines = {language: len(text.splitlines()) for language, text in texts["documents_to_bring"].items()}
    if len(set(lines.values())) > 1:
        record.report(
            "documents_to_bring", f"every language must list the same documents, one a line: {lines}"
        )
    offices = []
    for link in record.records("offices", required=True):
        link.only(["office", "counter"])
        counter = translated_texts(link, "counter", languages=LANGUAGES, max_length=200)
        offices.append((link.code("office", required=True), counter))
    if len({code for code, _counter in offices}) < len(offices):
        record.report("offices", "an office is listed twice")
    service = DemoService(
        code=record.code("code", required=True),
        procedures=record.codes("procedures"),
        sections=record.codes("sections", choices=Section.values),
        offices=offices,
        rules={
            "slot_minutes": record.integer("slot_minutes", required=True, minimum=5, maximum=240),
            "capacity_per_slot": record.integer("capacity_per_slot", required=True, minimum=1, maximum=100),
            "booking_window_days": record.integer(
                "booking_window_days", required=True, minimum=1, maximum=180
            ),
            "min_notice_minutes": record.integer("min_notice_minutes", default=120, minimum=0),
            "buffer_minutes": record.integer("buffer_minutes", default=0, minimum=0, maximum=120),
            "daily_cap": record.integer("daily_cap", minimum=1),
            "same_day_cutoff": record.time("same_day_cutoff") if record.has("same_day_cutoff") else None,
        },
        texts=texts,
    )
    for name in ("procedures", "sections"):
        if not getattr(service, name):
            record.report(name, "missing: give at least one")
    return service


# --- writing --------------------------------------------------------------------------------------


def columns(name: str, texts: dict[str, str]) -> dict[str, str]:
    """The translated columns of a field (name_zh_hans, name_en, …); a language without text is empty."""
    return {build_localized_fieldname(name, language): texts.get(language, "") for language in LANGUAGES}


def load_appointments_demo(
    log: Callable[[str], None] = print,
    *,
    today: dt.date | None = None,
    path: Path = DEMO_FILE,
) -> AppointmentsDemoReport:
    """Create or update the demo services and their slots from `today` (Beijing time by default).

    Raises CatalogueError, before writing anything, when the file has problems or an office it names
    does not exist (load the procedures demo first)."""
    started = time.monotonic()
    demo = read_demo(path)
    today = today or dt.datetime.now(BEIJING).date()
    report = AppointmentsDemoReport()
    with translation.override(SOURCE_LANGUAGE), transaction.atomic():
        offices = find_offices(demo, path)
        report.years_seeded = confirm_calendar(today)
        seeded = ", ".join(map(str, report.years_seeded)) or "nothing (both already confirmed)"
        log(f"Holiday calendar {today.year}–{today.year + 1}: seeded {seeded}")
        report.offices_given_hours = give_sample_hours(demo, offices)
        if report.offices_given_hours:
            log(f"Sample opening hours given to {', '.join(report.offices_given_hours)}")
        guides = {
            page.item_code: page
            for page in ProcedurePage.objects.filter(
                locale__language_code=SOURCE_LANGUAGE,
                item_code__in={code for service in demo.services for code in service.procedures},
            )
        }
        report.missing_guides = sorted(
            {code for service in demo.services for code in service.procedures} - guides.keys()
        )
        if report.missing_guides:
            log(f"No guide yet for {', '.join(report.missing_guides)}: load the procedures demo to link them")
        sections = {tag.code: tag for tag in SectionTag.objects.all()}
        existing = {service.code: service for service in AppointmentService.objects.all()}
        for number, entry in enumerate(demo.services, start=1):
            service, status = save_service(entry, existing.get(entry.code), offices, sections, guides)
            setattr(report, status, getattr(report, status) + 1)
            made = ensure_slots(service, start=today, days=service.booking_window_days + 1)
            report.slots_created += made
            log(f"[{number}/{len(demo.services)}] {entry.code}: {status}, {made} slots added")
    report.seconds = time.monotonic() - started
    return report


def find_offices(demo: AppointmentsDemo, path: Path) -> dict[str, Office]:
    codes = demo.office_codes()
    offices = {office.code: office for office in Office.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in offices]
    if missing:
        raise CatalogueError(
            [f"{path.name}: no office has the code {', '.join(missing)}: load the procedures demo first."]
        )
    return offices


def confirm_calendar(today: dt.date) -> list[int]:
    """Seed and confirm this year and the next unless they are confirmed already (load_demo does it too)."""
    years = [today.year, today.year + 1]
    confirmed = set(
        CalendarYear.objects.filter(year__in=years, confirmed=True).values_list("year", flat=True)
    )
    seeded = [year for year in years if year not in confirmed]
    for year in seeded:
        seed_calendar_year(year, confirmed=True)
    return seeded


def give_sample_hours(demo: AppointmentsDemo, offices: dict[str, Office]) -> list[str]:
    """Typical hours, and a note saying so, for each office the services use that has no hours at all."""
    with_hours = set(
        OfficeHours.objects.filter(office__in=offices.values()).values_list("office_id", flat=True).distinct()
    )
    given, periods = [], []
    for code in demo.office_codes():
        office = offices[code]
        if office.pk in with_hours:
            continue
        sample = demo.sample_hours(code)
        periods += [OfficeHours(office=office, weekday=d, opens=o, closes=c) for d, o, c in sample.hours]
        note = columns("hours_note", sample.note)
        for name, text in note.items():
            setattr(office, name, text)
        office.save(update_fields=list(note))
        given.append(code)
    OfficeHours.objects.bulk_create(periods)
    return given


def save_service(
    entry: DemoService,
    service: AppointmentService | None,
    offices: dict[str, Office],
    sections: dict[str, SectionTag],
    guides: dict[str, ProcedurePage],
) -> tuple[AppointmentService, str]:
    """Create or update one service and its offices; return it and "created", "updated" or "unchanged"."""
    created = service is None
    if created:
        service = AppointmentService(code=entry.code)
    wanted = dict(entry.rules)
    for name in TEXT_FIELDS:
        wanted |= columns(name, entry.texts[name])
    changed = [name for name, value in wanted.items() if getattr(service, name) != value]
    for name in changed:
        setattr(service, name, wanted[name])
    wanted_sections = [sections[code] for code in entry.sections]
    wanted_guides = [guides[code] for code in entry.procedures if code in guides]
    if created or {tag.pk for tag in service.sections.all()} != {tag.pk for tag in wanted_sections}:
        service.sections = wanted_sections
        changed.append("sections")
    if created or {page.pk for page in service.procedures.all()} != {page.pk for page in wanted_guides}:
        service.procedures = wanted_guides
        changed.append("procedures")
    if changed:
        service.full_clean()
        service.save()
    links_changed = save_links(service, entry, offices)
    status = "created" if created else "updated" if changed or links_changed else "unchanged"
    return service, status


def save_links(service: AppointmentService, entry: DemoService, offices: dict[str, Office]) -> bool:
    """Make the service's offices and counters those of the file; return whether anything changed."""
    current = {link.office_id: link for link in ServiceOffice.objects.filter(service=service)}
    changed = False
    for code, counter in entry.offices:
        office = offices[code]
        wanted = columns("counter", counter)
        link = current.pop(office.pk, None)
        if link is None:
            ServiceOffice.objects.create(service=service, office=office, **wanted)
            changed = True
        elif any(getattr(link, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(link, name, value)
            link.save()
            changed = True
    if current:  # offices the file no longer names
        ServiceOffice.objects.filter(pk__in=[link.pk for link in current.values()]).delete()
        changed = True
    return changed
