"""Writing a checked catalogue: departments and offices, then the Chinese guides, then their translations.

Every record is compared with what the database holds and written only when it differs, so running
the same import twice adds no revision and changes no row. Callers hold the transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname
from wagtail.models import Locale

from cityportal.core.localize_sync import SegmentMismatch, source_for, source_segments, translate_page
from cityportal.core.models import Department, Office, OfficeHours, SectionTag

from ..models import AudienceTag, ProcedureIndexPage, ProcedurePage
from .pages import fill_structure, fill_texts, readable_path, set_many_to_many, snapshot
from .problems import CatalogueError
from .schema import LANGUAGES, SOURCE_LANGUAGE, Catalogue, DepartmentEntry, GuideEntry, OfficeEntry

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Outcome:
    kind: str  # department, office, procedure
    code: str
    status: str
    languages: list[str] = field(default_factory=list)  # for a guide: the languages written


def validation_problems(where: str, error: ValidationError) -> list[str]:
    """A model's own validation error, in English, naming the record and the field."""
    fields = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
    problems = []
    with translation.override("en"):
        for name, items in fields.items():
            text = " ".join(ValidationError(items).messages)
            problems.append(f"{where}: {text}" if name == "__all__" else f"{where}, {name}: {text}")
    return problems


def translated_columns(field_name: str, texts: dict[str, str]) -> dict[str, str]:
    return {
        build_localized_fieldname(field_name, language): texts.get(language, "") for language in LANGUAGES
    }


def given_only(wanted: dict[str, dict], given: set[str]) -> dict:
    """The columns of the fields the file gives: a record's other fields are left as they are."""
    return {
        column: value
        for name, columns in wanted.items()
        if name in given
        for column, value in columns.items()
    }


def update_row(instance, wanted: dict) -> bool:
    changed = [name for name, value in wanted.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, wanted[name])
    return bool(changed)


class CatalogueWriter:
    def __init__(self, catalogue: Catalogue, log: Callable[[str], None]):
        self.catalogue = catalogue
        self.log = log
        self.outcomes: list[Outcome] = []
        self.departments = {department.code: department for department in Department.objects.all()}
        self.offices = {office.code: office for office in Office.objects.all()}

    def write(self) -> list[Outcome]:
        for entry in self.catalogue.departments:
            self.record(entry.where, lambda entry=entry: self.write_department(entry))
        for entry in self.catalogue.offices:
            self.record(entry.where, lambda entry=entry: self.write_office(entry))
        if self.catalogue.guides:
            GuideWriter(self).write()
        return self.outcomes

    def record(self, where: str, write: Callable[[], None]) -> None:
        try:
            write()
        except ValidationError as error:
            raise CatalogueError(validation_problems(where, error)) from error

    def done(self, kind: str, code: str, status: str, languages=()) -> Outcome:
        outcome = Outcome(kind, code, status, list(languages))
        self.outcomes.append(outcome)
        return outcome

    # --- departments and offices (language-neutral rows with translated columns) -------------------

    def write_department(self, entry: DepartmentEntry) -> None:
        department = self.departments.get(entry.code)
        created = department is None
        if created:
            department = Department(code=entry.code)
        wanted = {
            "phone": {"phone": entry.phone},
            "website": {"website": entry.website},
            "reminder_email": {"reminder_email": entry.reminder_email},
            "name": translated_columns("name", entry.name),
            "address": translated_columns("address", entry.address),
        }
        changed = update_row(department, given_only(wanted, entry.given))
        if created or changed:
            department.full_clean()
            department.save()
        self.departments[entry.code] = department
        status = CREATED if created else UPDATED if changed else UNCHANGED
        self.done("department", entry.code, status)
        self.log(f"department {entry.code}: {status}")

    def write_office(self, entry: OfficeEntry) -> None:
        office = self.offices.get(entry.code)
        created = office is None
        if created:
            office = Office(code=entry.code)
        department = self.departments[entry.department] if entry.department else None
        wanted = {
            "department": {"department_id": department.pk if department else None},
            "phone": {"phone": entry.phone},
            # A position is both coordinates or neither: giving one replaces both.
            "latitude": {"latitude": entry.latitude, "longitude": entry.longitude},
            "longitude": {"latitude": entry.latitude, "longitude": entry.longitude},
            "name": translated_columns("name", entry.name),
            "address": translated_columns("address", entry.address),
            "directions": translated_columns("directions", entry.directions),
            "hours_note": translated_columns("hours_note", entry.hours_note),
        }
        changed = update_row(office, given_only(wanted, entry.given))
        if created or changed:
            office.full_clean()
            office.save()
        hours = set(entry.hours)
        current = set() if created else set(office.opening_hours.values_list("weekday", "opens", "closes"))
        if "hours" in entry.given and hours != current:
            # The file's hours replace the office's.
            OfficeHours.objects.filter(office=office).delete()
            periods = [OfficeHours(office=office, weekday=d, opens=o, closes=c) for d, o, c in sorted(hours)]
            for period in periods:
                period.full_clean(exclude=["office"])
            OfficeHours.objects.bulk_create(periods)
            changed = True
        self.offices[entry.code] = office
        status = CREATED if created else UPDATED if changed else UNCHANGED
        self.done("office", entry.code, status)
        self.log(f"office {entry.code}: {status}")


class GuideWriter:
    """The guides: the Chinese source pages first (all of them, so that related guides can point at
    each other), then each guide's translations through wagtail-localize."""

    def __init__(self, writer: CatalogueWriter):
        self.writer = writer
        self.entries = writer.catalogue.guides
        self.locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
        self.source_locale = self.locales[SOURCE_LANGUAGE]
        self.audiences = {tag.code: tag for tag in AudienceTag.objects.all()}
        self.sections = {tag.code: tag for tag in SectionTag.objects.all()}
        # The Chinese guides of the catalogue, and those already on the site that it names as related.
        wanted = {entry.item_code for entry in self.entries} | {
            code for entry in self.entries for code in entry.related
        }
        self.pages = {
            page.item_code: page
            for page in ProcedurePage.objects.filter(locale=self.source_locale, item_code__in=wanted)
        }
        self.created: set[str] = set()
        self.source_changed: set[str] = set()

    def write(self) -> None:
        new = [entry for entry in self.entries if entry.item_code not in self.pages]
        if new:
            index = ProcedureIndexPage.objects.filter(locale=self.source_locale).first()
            if index is None:
                raise CatalogueError(
                    [
                        f"There is no guides index page in Chinese to put the {len(new)} new guides under: "
                        "create the “procedure guide index” page (/guides/) under the Chinese home page "
                        "in the admin first, or run `manage.py load_demo`."
                    ]
                )
            for entry in new:
                self.writer.record(entry.where, lambda entry=entry: self.create_page(index, entry))
        total = len(self.entries)
        self.writer.log(f"{total} guides: the Chinese pages…")
        for entry in self.entries:
            self.writer.record(entry.where, lambda entry=entry: self.save_source(entry))
        self.writer.log(f"{total} guides: the translations…")
        for number, entry in enumerate(self.entries, start=1):
            self.writer.record(
                entry.where, lambda entry=entry, number=number: self.translate(entry, number, total)
            )

    def fill(self, page: ProcedurePage, entry: GuideEntry, *, ids_from=None) -> None:
        fill_structure(
            page, entry, departments=self.writer.departments, related_pages=self.pages, ids_from=ids_from
        )
        fill_texts(page, entry, SOURCE_LANGUAGE, ids_from=ids_from)
        set_many_to_many(
            page, entry, audiences=self.audiences, sections=self.sections, offices=self.writer.offices
        )

    def create_page(self, index: ProcedureIndexPage, entry: GuideEntry) -> None:
        """A new guide is placed in the tree without a revision; save_source publishes it once."""
        page = ProcedurePage(locale=self.source_locale)
        self.fill(page, entry)
        index.add_child(instance=page)
        self.pages[entry.item_code] = page
        self.created.add(entry.item_code)

    def save_source(self, entry: GuideEntry) -> None:
        page = self.pages[entry.item_code]
        before = snapshot(page)
        self.fill(page, entry, ids_from=page)
        if entry.item_code in self.created or snapshot(page) != before or not page.live:
            page.save_revision().publish()
            self.source_changed.add(entry.item_code)

    def translate(self, entry: GuideEntry, number: int, total: int) -> None:
        page = ProcedurePage.objects.get(pk=self.pages[entry.item_code].pk)
        source = source_for(page)
        originals = source_segments(source)
        written = [SOURCE_LANGUAGE] if entry.item_code in self.source_changed else []
        for language in entry.languages:
            if language == SOURCE_LANGUAGE:
                continue
            draft = ProcedurePage.objects.get(pk=page.pk)
            # The draft only gives its text segments (never saved): related guides have none, and
            # leaving them out spares a page query per language.
            draft.related = []
            fill_texts(draft, entry, language, ids_from=page)
            try:
                if translate_page(source, page, draft, self.locales[language], originals):
                    written.append(language)
            except SegmentMismatch as error:
                path = readable_path(draft, error.path) if error.path else ""
                raise CatalogueError(
                    [
                        f"{entry.where}, translations.{language}{'.' + path if path else ''}: "
                        f"{error.describe()}: give every language the same texts, paragraphs and list items"
                    ]
                ) from error
        if entry.item_code in self.created:
            status = CREATED
        else:
            status = UPDATED if written else UNCHANGED
        self.writer.done("procedure", entry.item_code, status, written)
        detail = f" ({', '.join(written)})" if written and status == UPDATED else ""
        self.writer.log(f"[{number}/{total}] {entry.item_code}: {status}{detail}")
