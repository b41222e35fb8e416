"""The appointments demo: services.yaml is complete in nine languages and names the guides and offices
of the procedures demo; loading it gives bookable slots that follow the holiday calendar, gives
offices without hours sample hours that say so, and changes nothing the second time."""

import datetime as dt

import pytest
import yaml
from django.conf import settings

from cityportal.appointments.demo.loader import DEMO_FILE, load_appointments_demo, read_demo
from cityportal.appointments.models import AppointmentService, AppointmentSlot, ServiceOffice
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import book_slot
from cityportal.appointments.tests.factories import applicant
from cityportal.core.models import CalendarYear, Office, OfficeHours
from cityportal.core.sections import Section
from cityportal.procedures.demo.loader import CATALOGUE_DIR
from cityportal.procedures.importing import CatalogueError
from cityportal.procedures.services import import_catalogue
from cityportal.procedures.tests.factories import ProcedurePageFactory

LANGUAGES = [code for code, _name in settings.LANGUAGES]
OFFICES_FILE = CATALOGUE_DIR / "offices.yaml"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the catalogue is large
# A Monday before National Day 2026: the booking windows hold normal working days (29–30 Sep), the
# National Day break (1–7 Oct) and the Saturday worked for it (10 Oct).
TODAY = dt.date(2026, 9, 28)
ANDINGMEN_SERVICE = "work-residence-permit-first-issuance"  # at eea-andingmen, open Mon–Sat
WEEKDAY_SERVICE = "business-licence-change"  # at gsc-liuliqiao, open Mon–Fri only


def demo_data() -> dict:
    return yaml.load(DEMO_FILE.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader


def procedures_demo_codes() -> tuple[set[str], set[str]]:
    """The item codes and office codes that the procedures demo's catalogue files define."""
    items, offices = set(), set()
    for path in CATALOGUE_DIR.glob("*.yaml"):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
        items |= {guide["item_code"] for guide in data.get("procedures", [])}
        offices |= {office["code"] for office in data.get("offices", [])}
    return items, offices


def demo_file_with(tmp_path, codes: list[str]):
    """services.yaml cut down to the services named, so a test loads a few services, not 54."""
    data = demo_data()
    data["services"] = [service for service in data["services"] if service["code"] in codes]
    assert len(data["services"]) == len(codes)
    path = tmp_path / "services.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def slots_on(service_code: str, office_code: str, day: dt.date) -> int:
    start = dt.datetime.combine(day, dt.time(), tzinfo=BEIJING)
    return AppointmentSlot.objects.filter(
        service__code=service_code,
        office__code=office_code,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    ).count()


def hours_of(office_code: str) -> set[tuple[int, str, str]]:
    return {
        (period.weekday, f"{period.opens:%H:%M}", f"{period.closes:%H:%M}")
        for period in OfficeHours.objects.filter(office__code=office_code)
    }


# --- the file ------------------------------------------------------------------------------------


def test_the_file_has_at_least_50_services_over_the_six_sections():
    services = read_demo().services
    assert len(services) >= 50
    assert {section for service in services for section in service.sections} == set(Section.values)


def test_every_service_has_its_name_description_and_documents_in_all_nine_languages():
    for service in demo_data()["services"]:
        for name in ("name", "description", "documents_to_bring"):
            texts = service[name]
            assert sorted(texts) == sorted(LANGUAGES), (service["code"], name)
            assert all(text.strip() for text in texts.values()), (service["code"], name)
        documents = {
            language: len(text.splitlines()) for language, text in service["documents_to_bring"].items()
        }
        assert len(set(documents.values())) == 1, (service["code"], documents)


def test_services_name_only_guides_and_offices_of_the_procedures_demo():
    item_codes, office_codes = procedures_demo_codes()
    for service in demo_data()["services"]:
        assert service["procedures"] and set(service["procedures"]) <= item_codes, service["code"]
        assert {link["office"] for link in service["offices"]} <= office_codes, service["code"]
        assert set(service["sections"]) <= set(Section.values), service["code"]


def test_counters_are_marked_as_sample_data():
    for service in demo_data()["services"]:
        for link in service["offices"]:
            if link.get("counter"):
                assert "sample" in link["counter"]["en"], (service["code"], link["office"])
                assert sorted(link["counter"]) == sorted(LANGUAGES), (service["code"], link["office"])


def test_a_problem_in_the_file_names_the_service_and_the_field(tmp_path):
    data = demo_data()
    del data["services"][0]["description"]["ar"]
    data["services"][1]["sections"] = ["shopping"]
    path = tmp_path / "services.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        read_demo(path)
    first, second = data["services"][0]["code"], data["services"][1]["code"]
    assert f'service "{first}", description.ar: missing' in str(error.value)
    assert f'service "{second}", sections[0]: unknown code “shopping”' in str(error.value)


# --- loading -------------------------------------------------------------------------------------


@pytest.fixture
def offices(db):
    """The procedures demo's departments and offices (without its guides, which take long to build)."""
    import_catalogue([OFFICES_FILE])


def snapshot() -> dict:
    return {
        "services": list(AppointmentService.objects.order_by("code").values()),
        "sections": sorted(AppointmentService.sections.through.objects.values_list()),
        "guides": sorted(AppointmentService.procedures.through.objects.values_list()),
        "links": list(ServiceOffice.objects.order_by("pk").values()),
        "slots": list(AppointmentSlot.objects.order_by("pk").values_list("pk", "starts_at", "capacity")),
        "hours": sorted(OfficeHours.objects.values_list()),
        "offices": list(Office.objects.order_by("code").values()),
        "calendar": list(CalendarYear.objects.order_by("year").values()),
    }


@pytest.mark.django_db
def test_the_whole_demo_loads_with_slots_for_every_service_and_a_second_load_changes_nothing(offices):
    # One test for both, because loading the 54 services and their ~25,000 slots takes seconds.
    first = load_appointments_demo(log=lambda message: None, today=TODAY)
    assert first.created == len(read_demo().services) and first.slots_created > 0
    assert first.years_seeded == [2026, 2027]
    assert set(CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True)) == {2026, 2027}
    without_slots = AppointmentService.objects.exclude(slots__isnull=False).values_list("code", flat=True)
    assert list(without_slots) == []
    before = snapshot()

    second = load_appointments_demo(log=lambda message: None, today=TODAY)

    assert (second.created, second.updated, second.slots_created) == (0, 0, 0)
    assert second.years_seeded == [] and second.offices_given_hours == []
    assert snapshot() == before


@pytest.mark.django_db
def test_andingmen_has_slots_on_working_days_none_on_the_national_day_break(offices, tmp_path):
    load_appointments_demo(
        log=lambda message: None, today=TODAY, path=demo_file_with(tmp_path, [ANDINGMEN_SERVICE])
    )
    assert slots_on(ANDINGMEN_SERVICE, "eea-andingmen", dt.date(2026, 9, 29)) > 0  # an ordinary Tuesday
    assert slots_on(ANDINGMEN_SERVICE, "eea-andingmen", dt.date(2026, 10, 1)) == 0  # National Day
    assert slots_on(ANDINGMEN_SERVICE, "eea-andingmen", dt.date(2026, 10, 3)) == 0  # a Saturday of the break
    assert slots_on(ANDINGMEN_SERVICE, "eea-andingmen", dt.date(2026, 10, 10)) > 0  # the Saturday worked
    assert slots_on(ANDINGMEN_SERVICE, "eea-andingmen", dt.date(2026, 10, 11)) == 0  # an ordinary Sunday


@pytest.mark.django_db
def test_a_weekday_office_opens_on_the_make_up_saturday_only(offices, tmp_path):
    load_appointments_demo(
        log=lambda message: None, today=TODAY, path=demo_file_with(tmp_path, [WEEKDAY_SERVICE])
    )
    assert slots_on(WEEKDAY_SERVICE, "gsc-liuliqiao", dt.date(2026, 10, 10)) > 0  # worked for National Day
    assert slots_on(WEEKDAY_SERVICE, "gsc-liuliqiao", dt.date(2026, 10, 17)) == 0  # an ordinary Saturday


@pytest.mark.django_db
def test_a_demo_slot_can_be_booked(offices, tmp_path):
    load_appointments_demo(
        log=lambda message: None, today=TODAY, path=demo_file_with(tmp_path, [ANDINGMEN_SERVICE])
    )
    slot = AppointmentSlot.objects.get(
        service__code=ANDINGMEN_SERVICE, starts_at=dt.datetime(2026, 9, 29, 10, 0, tzinfo=BEIJING)
    )
    booking = book_slot(slot, applicant(1), now=dt.datetime(2026, 9, 28, 10, 0, tzinfo=BEIJING))
    slot.refresh_from_db()
    assert booking.pk and slot.booked == 1 and slot.capacity == 4


@pytest.mark.django_db
def test_offices_without_hours_get_typical_hours_and_a_note_saying_so(offices, tmp_path):
    assert hours_of("police-station") == set()
    path = demo_file_with(tmp_path, ["accommodation-registration", "sim-card-purchase", ANDINGMEN_SERVICE])

    report = load_appointments_demo(log=lambda message: None, today=TODAY, path=path)

    assert sorted(report.offices_given_hours) == ["police-station", "telecom-hall"]
    weekdays = {
        (day, opens, closes) for day in range(5) for opens, closes in (("09:00", "12:00"), ("13:30", "17:00"))
    }
    assert hours_of("police-station") == weekdays
    assert hours_of("telecom-hall") == {(day, "08:30", "20:00") for day in range(7)}
    assert hours_of("eea-andingmen") == {(day, "09:00", "17:00") for day in range(6)}  # its own, kept
    police = Office.objects.get(code="police-station")
    notes = {language: getattr(police, f"hours_note_{language.replace('-', '_')}") for language in LANGUAGES}
    assert all(notes.values()) and "Sample hours" in notes["en"] and "official guide" in notes["en"]
    assert "示例" in notes["zh-hans"] and len(set(notes.values())) == len(LANGUAGES)  # each translated


@pytest.mark.django_db
def test_hours_an_editor_gave_an_office_are_kept(offices, tmp_path):
    notary = Office.objects.get(code="notary-office")
    OfficeHours.objects.create(office=notary, weekday=1, opens="10:00", closes="11:00")

    load_appointments_demo(
        log=lambda message: None, today=TODAY, path=demo_file_with(tmp_path, ["notarisation"])
    )

    assert hours_of("notary-office") == {(1, "10:00", "11:00")}
    notary.refresh_from_db()
    assert "Sample hours" not in notary.hours_note_en
    assert slots_on("notarisation", "notary-office", dt.date(2026, 9, 29)) == 2  # two 30-minute slots


@pytest.mark.django_db
def test_a_service_links_its_chinese_guide_once_the_guide_exists(offices, tmp_path):
    path = demo_file_with(tmp_path, [ANDINGMEN_SERVICE])
    first = load_appointments_demo(log=lambda message: None, today=TODAY, path=path)
    assert first.missing_guides == ["work-residence-permit"]

    guide = ProcedurePageFactory(item_code="work-residence-permit")
    second = load_appointments_demo(log=lambda message: None, today=TODAY, path=path)

    service = AppointmentService.objects.get(code=ANDINGMEN_SERVICE)
    assert list(service.procedures.all()) == [guide] and second.updated == 1
    assert list(guide.appointment_services.all()) == [service]
