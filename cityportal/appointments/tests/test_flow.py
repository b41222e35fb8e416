"""The public booking flow through the Django test client: service → office → calendar → day → details →
review → confirmation, in English and Arabic; every bad input answered clearly with nothing written;
one booking per submission; the same places whatever the language.

Posts carry Sec-Fetch-Site like a browser (core.protection's same-origin check). Without a proof-of-work
solution a post counts under the tighter per-IP limit, as a visitor without JavaScript does.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cityportal.appointments.models import AppointmentSlot, Booking, BookingStatus
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.services import book_slot, ensure_slots
from cityportal.appointments.tests.factories import (
    AppointmentServiceFactory,
    AppointmentSlotFactory,
    applicant,
)
from cityportal.core.crypto import decrypt_personal
from cityportal.core.models import CalendarYear
from cityportal.core.services.calendar import seed_calendar_year
from cityportal.core.tests.test_protection import solution
from cityportal.core.working_days import load_working_calendar, next_working_day

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')


# --- Helpers shared with test_manage.py ------------------------------------------------------------


@pytest.fixture
def confirmed_years():
    """This year and the next confirmed, so the booking window is bookable (holidays stay closed)."""
    year = timezone.now().astimezone(BEIJING).year
    for each in (year, year + 1):
        seed_calendar_year(each, confirmed=True)


def working_day(days_ahead: int = 3) -> dt.date:
    """A working day at least `days_ahead` days from today (Beijing), by the stored calendar."""
    start = timezone.now().astimezone(BEIJING).date() + dt.timedelta(days=days_ahead)
    return next_working_day(start, load_working_calendar({start.year, start.year + 1}), inclusive=True)


def slot_on(day: dt.date, hour: int = 9, minute: int = 0, **values) -> AppointmentSlot:
    starts_at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BEIJING)
    return AppointmentSlotFactory(starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=15), **values)


def details(n: int = 1, **values) -> dict:
    return {
        "full_name": f"MÜLLER ANNA {chr(64 + n)}",
        "nationality": "DE",
        "document_type": "passport",
        "document_number": f"C0{n:07d}",
        "email": f"anna{n}@example.org",
        "phone": "+49 30 1234 5678",
        "document_consent": "on",
        **values,
    }


def post(client, language: str, data: dict, ip: str = "198.51.100.7"):
    return client.post(f"/{language}/appointments/book/", data, headers=SAME_ORIGIN, REMOTE_ADDR=ip)


def review(client, language: str, slot, data: dict, **kwargs):
    return post(client, language, {"slot": slot.pk, "action": "review", **data}, **kwargs)


def token_of(response) -> str:
    return TOKEN.search(response.content.decode())[1]


def book(client, language: str, slot, data: dict, **kwargs):
    """Review, then confirm with the token the review page gave: what a visitor's two clicks send."""
    reviewed = review(client, language, slot, data, **kwargs)
    assert reviewed.status_code == 200, reviewed.content.decode()[:2000]
    confirm = {"slot": slot.pk, "action": "confirm", "submission_token": token_of(reviewed), **data}
    return post(client, language, confirm, **kwargs), confirm


def html(response) -> str:
    return response.content.decode()


# --- The whole flow --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_visitor_books_through_every_step(client, confirmed_years, language):
    day = working_day()
    slot = slot_on(day, capacity=2)
    service, office = slot.service, slot.office

    listing = client.get(f"/{language}/appointments/")
    assert listing.status_code == 200
    assert f'href="/{language}/appointments/{service.pk}/"' in html(listing)
    if language == "ar":
        assert 'dir="rtl"' in html(listing)

    offices = html(client.get(f"/{language}/appointments/{service.pk}/"))
    assert office.name_en in offices
    assert '<span lang="zh-Hans">北京市东城区示例路' in offices  # Arabic pages isolate the "1" in <bdi>
    assert "uri.amap.com" in offices and "counter" in offices

    calendar = client.get(f"/{language}/appointments/{service.pk}/{office.pk}/?month={day:%Y-%m}")
    assert calendar.status_code == 200
    day_url = f"/{language}/appointments/{service.pk}/{office.pk}/{day.isoformat()}/"
    assert f'href="{day_url}"' in html(calendar)
    assert "<caption>" in html(calendar)

    times = html(client.get(day_url))
    assert f"/{language}/appointments/book/?slot={slot.pk}" in times
    assert "09:00" in times

    form = client.get(f"/{language}/appointments/book/?slot={slot.pk}")
    assert form.status_code == 200
    assert 'name="document_consent"' in html(form) and 'value="DE"' in html(form)
    germany = {"en": "Germany", "ar": "ألمانيا"}[language]  # Babel's names in the visitor's language
    assert f'<option value="DE">{germany}</option>' in html(form)

    reviewed = review(client, language, slot, details())
    assert reviewed.status_code == 200
    assert "MÜLLER ANNA A" in html(reviewed) and "C00000001" in html(reviewed)
    assert Booking.objects.count() == 0, "reviewing writes nothing"

    confirmed = post(
        client,
        language,
        {"slot": slot.pk, "action": "confirm", "submission_token": token_of(reviewed), **details()},
    )
    assert confirmed.status_code == 200
    booking = Booking.objects.get()
    page = html(confirmed)
    assert booking.reference in page
    assert "<svg" in page and "booking-qr" in page
    assert "counter" in page and "北京市东城区示例路" in page
    assert "Two photos" in page  # what to bring
    assert "/appointments/calendar-file/" in page
    assert booking.language == language
    assert decrypt_personal(booking.document_number_encrypted) == "C00000001"
    assert booking.consent_text.startswith("I separately consent") == (language == "en")
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1
    assert confirmed["Cache-Control"] == "private, no-store" or "no-store" in confirmed["Cache-Control"]


def test_the_flow_pages_are_cookie_free_and_carry_no_personal_data_in_addresses(client, confirmed_years):
    slot = slot_on(working_day())
    response, _data = book(client, "en", slot, details())
    assert response.status_code == 200
    assert not response.cookies
    for url in re.findall(r'(?:href|action)="([^"]+)"', html(response)):
        assert "anna1@example.org" not in url and "C00000001" not in url and "MÜLLER" not in url


def test_the_confirmation_links_a_calendar_file_without_personal_data(client, confirmed_years):
    slot = slot_on(working_day())
    response, _data = book(client, "en", slot, details())
    url = re.search(r'href="(/en/appointments/calendar-file/[^"]+)"', html(response))[1]
    booking = Booking.objects.get()
    assert booking.reference not in url and "anna1" not in url
    ics = client.get(url)
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in ics.content and booking.reference.encode() in ics.content
    assert "no-store" in ics["Cache-Control"]
    assert client.get("/en/appointments/calendar-file/forged-token/").status_code == 404


# --- One booking per submission ---------------------------------------------------------------------


def test_a_double_click_or_a_refresh_makes_one_booking_and_shows_it_again(client, confirmed_years):
    slot = slot_on(working_day(), capacity=5)
    first, confirm = book(client, "en", slot, details())
    again = post(client, "en", confirm)
    assert again.status_code == 200
    booking = Booking.objects.get()
    assert booking.reference in html(first) and booking.reference in html(again)
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1


def test_a_refresh_with_the_same_proof_of_work_shows_the_booking_instead_of_refusing_a_replay(
    client, confirmed_years, settings
):
    settings.BOT_CHALLENGE_MAX_NUMBER = 2000  # the solver here is Python
    slot = slot_on(working_day(), capacity=5)
    reviewed = review(client, "en", slot, details())
    confirm = {
        "slot": slot.pk,
        "action": "confirm",
        "submission_token": token_of(reviewed),
        "altcha": solution(),
        **details(),
    }
    first, again = post(client, "en", confirm), post(client, "en", confirm)
    booking = Booking.objects.get()
    assert booking.reference in html(first) and booking.reference in html(again)


def test_the_same_token_with_another_email_address_does_not_show_the_booking(client, confirmed_years):
    slot = slot_on(working_day(), capacity=5)
    _first, confirm = book(client, "en", slot, details())
    stranger = post(client, "en", {**confirm, "email": "someone@example.org"})
    assert Booking.objects.get().reference not in html(stranger)
    assert Booking.objects.count() == 1


# --- Language-neutral places ------------------------------------------------------------------------


def test_a_booking_in_arabic_and_one_in_english_fill_the_same_slot(client, confirmed_years):
    day = working_day()
    slot = slot_on(day, capacity=2)
    arabic, _data = book(client, "ar", slot, details(1))
    english, _data = book(client, "en", slot, details(2))
    assert arabic.status_code == english.status_code == 200
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 2
    assert sorted(Booking.objects.values_list("language", flat=True)) == ["ar", "en"]
    for language in ("de", "zh-hans", "ar"):
        times = html(
            client.get(f"/{language}/appointments/{slot.service_id}/{slot.office_id}/{day.isoformat()}/")
        )
        assert f"book/?slot={slot.pk}" not in times, f"the full slot is still offered in {language}"
        assert "slot--unavailable" in times
    third, _data = post(client, "ru", {"slot": slot.pk, "action": "review", **details(3)}), None
    assert third.status_code == 409
    assert Booking.objects.count() == 2


# --- Bad input writes nothing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Enter a valid email address."),
        ("phone", "12345", "country code"),
        ("phone", "+86 1", "country code"),
        ("full_name", "x" * 201, "at most 200 characters"),
        ("full_name", "Robert'); DROP TABLE--1", "letters, spaces"),
        ("document_number", "A" * 31, "at most 30 characters"),
        ("document_number", "<script>", "3 to 30 letters and digits"),
        ("nationality", "XX", "Select a valid choice"),
        ("nationality", "", "This field is required"),
        ("document_type", "library-card", "Select a valid choice"),
        ("document_consent", "", "without your separate consent"),
    ],
)
def test_bad_details_are_explained_at_the_top_and_at_the_field_and_nothing_is_written(
    client, confirmed_years, field, value, message
):
    slot = slot_on(working_day())
    for action in ("review", "confirm"):
        data = {"slot": slot.pk, "action": action, "submission_token": "a" * 32, **details(**{field: value})}
        response = post(client, "en", data)
        page = html(response)
        assert response.status_code == 400
        assert 'role="alert"' in page
        assert f'href="#id_{field}"' in page  # the summary links to the field
        assert message in page
        assert f'id="id_{field}_error"' in page  # the message the field's aria-describedby names
        assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', page)
    assert Booking.objects.count() == 0
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 0


def test_errors_are_in_the_visitors_language(client, confirmed_years):
    slot = slot_on(working_day())
    response = review(client, "de", slot, details(email="kaputt"))
    assert response.status_code == 400
    assert "Enter a valid email address." not in html(response)
    assert 'lang="de"' in html(response)


@pytest.mark.parametrize(
    "path",
    [
        "/en/appointments/999999/",
        "/en/appointments/99999999999999999999/",
        "/en/appointments/{service}/999999/",
        "/en/appointments/{service}/{office}/2026-02-30/",
        "/en/appointments/{service}/{office}/2026-13-01/",
        "/en/appointments/{service}/{office}/yesterday/",
        "/en/appointments/{service}/{office}/9999-12-31/",
        "/en/appointments/{service}/{office}/0000-01-01/",
        "/en/appointments/{service}/{office}/?month=9999-12",
        "/en/appointments/{service}/{office}/?month=2026-13",
        "/en/appointments/{service}/{office}/?month=1999-01",
        "/en/appointments/book/?slot=999999",
        "/en/appointments/book/?slot=99999999999999999999",
        "/en/appointments/book/?slot=abc",
        "/en/appointments/book/",
    ],
)
def test_unknown_ids_and_impossible_dates_get_a_clear_answer_never_an_error(client, confirmed_years, path):
    slot = slot_on(working_day())
    response = client.get(path.format(service=slot.service_id, office=slot.office_id))
    assert response.status_code in (400, 404)
    assert 'role="alert"' in html(response) or "Page not found" in html(response)


def test_an_unknown_or_oversized_slot_id_in_a_post_writes_nothing(client, confirmed_years):
    for slot_id in ("999999", "99999999999999999999", "-1", ""):
        response = post(client, "en", {"slot": slot_id, "action": "confirm", **details()})
        assert response.status_code == 404
        assert "This appointment time does not exist" in html(response)
    assert Booking.objects.count() == 0


def test_a_slot_in_the_past_or_beyond_the_window_is_refused(client, confirmed_years):
    past = slot_on(timezone.now().astimezone(BEIJING).date() - dt.timedelta(days=2))
    beyond = slot_on(working_day(45))  # the factory's window is 30 days
    for slot in (past, beyond):
        response = review(client, "en", slot, details())
        assert response.status_code == 409
        assert Booking.objects.count() == 0
    assert "Choose another time" in html(review(client, "en", past, details()))


def test_a_slot_on_a_closed_day_is_refused(client, confirmed_years):
    day = working_day()
    while day.weekday() < 5:
        day += dt.timedelta(days=1)
    calendar = load_working_calendar({day.year})
    if day in calendar.workdays:  # a make-up working Saturday: take the Sunday after it
        day += dt.timedelta(days=1)
    slot = slot_on(day)
    response = review(client, "en", slot, details())
    assert response.status_code == 409
    assert "the office is not open for this service then" in html(response)
    assert Booking.objects.count() == 0


def test_a_slot_filled_meanwhile_offers_the_other_times_of_that_day(client, confirmed_years):
    day = working_day()
    slot = slot_on(day, capacity=1)
    later = slot_on(day, hour=10, service=slot.service, capacity=1)
    reviewed = review(client, "en", slot, details())
    book_slot(slot, applicant(9))  # someone else takes the last place while the visitor reads
    data = {"slot": slot.pk, "action": "confirm", "submission_token": token_of(reviewed), **details()}
    response = post(client, "en", data)
    page = html(response)
    assert response.status_code == 409
    assert "This slot has just been filled: choose another." in page
    assert f'id="slot-{later.pk}"' in page and f'id="slot-{slot.pk}"' not in page
    assert 'type="hidden" name="email" value="anna1@example.org"' in page  # the details are kept
    assert Booking.objects.count() == 1

    # The visitor picks the other time and books it without typing anything again.
    chosen = review(client, "en", later, details())
    assert chosen.status_code == 200
    confirmed = post(
        client,
        "en",
        {"slot": later.pk, "action": "confirm", "submission_token": token_of(chosen), **details()},
    )
    assert confirmed.status_code == 200
    assert Booking.objects.filter(slot=later).count() == 1


def test_a_person_with_an_active_booking_for_the_service_is_told_so(client, confirmed_years):
    day = working_day()
    first = slot_on(day, capacity=3)
    second = slot_on(day, hour=10, service=first.service, capacity=3)
    book(client, "en", first, details(document_number="E1234567"))
    response = review(client, "en", second, details(2, document_number="e 123 4567"))
    assert response.status_code == 409
    assert "You already have a booking for this service" in html(response)
    assert 'href="#id_document_number"' in html(response)
    assert Booking.objects.count() == 1


def test_a_passed_appointment_does_not_stop_the_person_booking_the_service_again(client, confirmed_years):
    day = working_day()
    earlier = slot_on(day, capacity=3)
    book(client, "en", earlier, details())
    passed = timezone.now() - dt.timedelta(days=1)  # the appointment's day has gone by, unmarked
    AppointmentSlot.objects.filter(pk=earlier.pk).update(
        starts_at=passed, ends_at=passed + dt.timedelta(minutes=15)
    )
    again = slot_on(day, hour=10, service=earlier.service)
    response, _data = book(client, "en", again, details())
    assert response.status_code == 200
    assert Booking.objects.filter(status=BookingStatus.ACTIVE).count() == 1


def test_choosing_another_time_from_the_review_keeps_the_details(client, confirmed_years):
    day = working_day()
    slot = slot_on(day)
    other = slot_on(day, hour=11, service=slot.service)
    response = post(client, "en", {"slot": slot.pk, "action": "choose", **details()})
    page = html(response)
    assert response.status_code == 200
    assert f'id="slot-{other.pk}"' in page
    assert 'name="full_name" value="MÜLLER ANNA A"' in page
    missing = post(client, "en", {"service": slot.service_id, "action": "review", **details()})
    assert missing.status_code == 400 and "Choose a time." in html(missing)


def test_change_brings_back_the_filled_in_details(client, confirmed_years):
    slot = slot_on(working_day())
    response = post(client, "en", {"slot": slot.pk, "action": "change", **details()})
    page = html(response)
    assert response.status_code == 200
    assert 'value="MÜLLER ANNA A"' in page and 'value="C00000001"' in page
    assert 'name="document_consent" id="id_document_consent" checked' in page or "checked" in page
    assert 'role="alert"' not in page


def test_a_cross_site_post_books_nothing(client, confirmed_years):
    slot = slot_on(working_day())
    reviewed = review(client, "en", slot, details())
    data = {"slot": slot.pk, "action": "confirm", "submission_token": token_of(reviewed), **details()}
    response = client.post("/en/appointments/book/", data, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert Booking.objects.count() == 0


# --- Rate limits -------------------------------------------------------------------------------------


def test_booking_submissions_are_rate_limited_per_email_address(client, confirmed_years, settings):
    assert settings.RATE_LIMITS  # the test settings keep them on, as production does
    day = working_day()
    service = AppointmentServiceFactory(capacity_per_slot=20)
    slot = slot_on(day, service=service, capacity=20)
    for n in range(1, 9):  # eight people booked from one address: the limit per email address
        response, _data = book(
            client, "en", slot, details(n, email="family@example.org"), ip=f"198.51.100.{n}"
        )
        assert response.status_code == 200
    refused, _data = book(client, "en", slot, details(9, email="family@example.org"), ip="198.51.100.9")
    assert refused.status_code == 429
    assert "sent too often" in html(refused)
    assert Booking.objects.count() == 8


def test_rate_limits_can_be_switched_off_for_benchmarks(client, confirmed_years, settings):
    settings.RATE_LIMITS = False
    slot = slot_on(working_day(), capacity=20)
    for n in range(1, 11):
        response, _data = book(client, "en", slot, details(n, email="bench@example.org"))
        assert response.status_code == 200
    assert Booking.objects.count() == 10


# --- Calendar: holidays, make-up working days, unconfirmed years ---------------------------------------


@pytest.fixture
def frozen_now(monkeypatch):
    """Set the clock the pages read (django.utils.timezone.now) to a fixed Beijing moment."""

    def freeze(*args):
        moment = dt.datetime(*args, tzinfo=BEIJING)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze


def test_a_public_holiday_shows_no_slots_while_a_make_up_working_saturday_does(client, frozen_now):
    seed_calendar_year(2026, confirmed=True)
    frozen_now(2026, 9, 21, 10, 0)
    service = AppointmentServiceFactory(booking_window_days=60)
    ensure_slots(service, start=dt.date(2026, 9, 28), days=14)
    office = service.service_offices.get().office
    base = f"/en/appointments/{service.pk}/{office.pk}/"

    holiday = html(client.get(f"{base}2026-10-01/"))  # National Day
    assert "Public holiday: the office is closed." in holiday
    assert "book/?slot=" not in holiday

    saturday = html(client.get(f"{base}2026-10-10/"))  # worked for the National Day break
    assert dt.date(2026, 10, 10).weekday() == 5
    assert saturday.count("book/?slot=") >= 20  # an ordinary Monday's hours

    month = html(client.get(f"{base}?month=2026-10"))
    assert f'href="{base}2026-10-10/"' in month and f'href="{base}2026-10-01/"' not in month
    assert f'href="{base}2026-10-11/"' not in month  # an ordinary Sunday
    assert "month__day--holiday" in month and "Public holiday" in month


def test_a_day_in_an_unconfirmed_year_is_not_bookable_and_says_why(client, frozen_now):
    seed_calendar_year(2026, confirmed=True)
    CalendarYear.objects.update_or_create(year=2027, defaults={"confirmed": False})
    frozen_now(2026, 12, 10, 10, 0)
    service = AppointmentServiceFactory(booking_window_days=60)
    office = service.service_offices.get().office
    starts_at = dt.datetime(2027, 1, 6, 9, 0, tzinfo=BEIJING)  # a Wednesday inside the window
    slot = AppointmentSlotFactory(
        service=service, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=15)
    )
    base = f"/{{}}/appointments/{service.pk}/{office.pk}/"
    explanation = "the official holiday schedule for 2027 has not been confirmed"

    month = html(client.get(base.format("en") + "?month=2027-01"))
    assert explanation in month and "month__day--unconfirmed-year" in month
    assert "2027-01-06/" not in month
    day = html(client.get(base.format("en") + "2027-01-06/"))
    assert explanation in day and "book/?slot=" not in day
    russian = client.get(base.format("ru") + "2027-01-06/")
    assert russian.status_code == 200 and "book/?slot=" not in html(russian)

    response = review(client, "en", slot, details())
    assert response.status_code == 409
    assert Booking.objects.count() == 0


def test_the_calendar_links_only_to_bookable_months(client, confirmed_years):
    slot = slot_on(working_day())
    base = f"/en/appointments/{slot.service_id}/{slot.office_id}/"
    this_month = html(client.get(base))
    assert 'rel="prev"' not in this_month and 'rel="next"' in this_month  # a 30-day window reaches next month
    next_month = (timezone.now().astimezone(BEIJING).date().replace(day=1) + dt.timedelta(days=32)).replace(
        day=1
    )
    following = html(client.get(f"{base}?month={next_month:%Y-%m}"))
    assert 'rel="prev"' in following


def test_the_service_list_is_grouped_and_searchable(client, confirmed_years):
    from cityportal.core.models import SectionTag

    visa = AppointmentServiceFactory(name_en="Residence permit biometrics", name_zh_hans="居留许可采集")
    visa.sections.set([SectionTag.objects.get(code="live")])
    visa.save()  # a ParentalManyToManyField is written when its model is saved
    AppointmentServiceFactory(name_en="Tax certificate", name_zh_hans="完税证明")
    AppointmentServiceFactory(name_en="Closed service", active=False)
    listing = html(client.get("/en/appointments/"))
    assert 'id="section-live"' in listing and "Residence permit biometrics" in listing
    assert "Closed service" not in listing
    found = html(client.get("/en/appointments/?q=permit"))
    assert "Residence permit biometrics" in found and "Tax certificate" not in found
    chinese = html(client.get("/zh-hans/appointments/?q=居留"))
    assert "居留许可采集" in chinese and "完税证明" not in chinese


def test_a_cancelled_booking_gives_its_place_back_to_the_calendar(client, confirmed_years):
    day = working_day()
    slot = slot_on(day, capacity=1)
    booking = book_slot(slot, applicant(1))
    url = f"/en/appointments/{slot.service_id}/{slot.office_id}/{day.isoformat()}/"
    assert f"book/?slot={slot.pk}" not in html(client.get(url))
    from cityportal.appointments.services import cancel_booking

    cancel_booking(booking)
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert f"book/?slot={slot.pk}" in html(client.get(url))


# --- The guide's "Book an appointment" button -----------------------------------------------------


def test_a_guide_shows_the_book_button_of_its_services_in_every_language(client, portal, confirmed_years):
    from cityportal.procedures.tests.sample_guides import build_guides

    guides = build_guides(portal, ("en", "ar"))
    service = AppointmentServiceFactory(name_en="Residence permit biometrics")
    service.procedures.set([guides.residence["zh-hans"]])
    service.save()  # a ParentalManyToManyField is written when its model is saved
    for language in ("en", "ar", "zh-hans"):
        page = html(client.get(guides.residence[language].url))
        assert f'href="/{language}/appointments/{service.pk}/"' in page, language
    assert "/appointments/" not in html(client.get(guides.permit["en"].url))  # no service linked


def test_a_filled_honeypot_books_nothing(client, confirmed_years):
    slot = slot_on(working_day())
    reviewed = review(client, "en", slot, details())
    data = {
        "slot": slot.pk,
        "action": "confirm",
        "submission_token": token_of(reviewed),
        "website": "http://spam.example",
        **details(),
    }
    response = post(client, "en", data)
    assert response.status_code == 400
    assert "We could not accept this form" in html(response)
    assert Booking.objects.count() == 0
