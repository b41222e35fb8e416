"""The appointments API: services, a day's slots, booking, lookup and cancellation, and their protection.

Requests go through the real stack (test client, middleware, ninja, the booking services, the
cache that counts rate limits and single-use challenges). Each POST solves a real challenge, as a
mobile client would; BOT_CHALLENGE_MAX_NUMBER is lowered so the Python solver takes milliseconds.
"""

import base64
import datetime as dt
import json

import altcha
import pytest
from django.core.validators import EmailValidator
from django.utils import translation

from cityportal.appointments.models import AppointmentSlot, Booking, BookingStatus, OfficeClosure
from cityportal.appointments.schedule import BEIJING
from cityportal.appointments.tests.factories import AppointmentServiceFactory, AppointmentSlotFactory
from cityportal.core.crypto import decrypt_personal
from cityportal.core.models import CalendarDay, OutboundEmail, SectionTag
from cityportal.core.services.calendar import seed_calendar_year
from cityportal.core.working_days import is_working_day, load_working_calendar
from cityportal.procedures.tests.factories import (
    OfficeFactory,
    ProcedureIndexPageFactory,
    ProcedurePageFactory,
)

from .conftest import error_of

pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/appointment-services/"
BOOKINGS = "/api/v1/bookings/"


@pytest.fixture(autouse=True)
def quick_challenges(settings):
    settings.BOT_CHALLENGE_MAX_NUMBER = 2000  # the solver in these tests is Python


@pytest.fixture(autouse=True)
def confirmed_calendar():
    today = dt.datetime.now(BEIJING).date()
    for year in (today.year, today.year + 1):
        seed_calendar_year(year, confirmed=True)


def working_day(at_least: int = 3) -> dt.date:
    """The first Monday–Friday working day at least `at_least` days ahead (the offices' open days)."""
    today = dt.datetime.now(BEIJING).date()
    calendar = load_working_calendar({today.year, today.year + 1})
    day = today + dt.timedelta(days=at_least)
    while not is_working_day(day, calendar) or day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BEIJING)


@pytest.fixture
def slot():
    """A place for two at 9:00 on the next working day three or more days ahead."""
    service = AppointmentServiceFactory(capacity_per_slot=2, code="residence-permit-biometrics")
    return AppointmentSlotFactory(service=service, starts_at=at(working_day(), 9), capacity=2)


def solution(client) -> str:
    """What a client sends in X-Challenge-Solution: a challenge from the API, solved."""
    response = client.post("/api/v1/challenges/")
    assert response.status_code == 201
    assert response["Cache-Control"] == "private, no-store"
    challenge = response.json()
    solved = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    payload = {key: challenge[key] for key in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps({**payload, "number": solved.number}).encode()).decode()


@pytest.fixture
def post(client):
    def send(path, body, *, lang=None, solve=True, headers=None, ip="203.0.113.7"):
        headers = dict(headers or {})
        if solve:
            headers.setdefault("X-Challenge-Solution", solution(client))
        url = f"{path}?lang={lang}" if lang else path
        return client.post(
            url, json.dumps(body), content_type="application/json", headers=headers, REMOTE_ADDR=ip
        )

    return send


def answers(slot, n: int = 1, **values) -> dict:
    return {
        "slot": slot.pk,
        "full_name": f"MÜLLER ANNA {chr(64 + n)}",
        "nationality": "DE",
        "document_type": "passport",
        "document_number": f"C0{n:07d}",
        "email": f"person{n}@example.org",
        "phone": "+49 30 1234 5678",
        "language": "de",
        "consent": True,
    } | values


def nothing_written(slot) -> bool:
    return (
        not Booking.objects.exists()
        and AppointmentSlot.objects.get(pk=slot.pk).booked == 0
        and not OutboundEmail.objects.exists()
    )


# --- Services and slots -------------------------------------------------------------------------------


def test_services_are_listed_with_offices_guides_and_rules_in_the_requested_language(client, slot, portal):
    service = slot.service
    office = service.service_offices.get().office
    guides = ProcedureIndexPageFactory(parent=portal.sections["live"]["zh-hans"])
    service.procedures.set([ProcedurePageFactory(parent=guides, item_code="residence-permit-renewal")])
    service.sections.set(SectionTag.objects.filter(code__in=["live", "work"]))
    service.save()
    body = client.get(SERVICES, {"lang": "en"}).json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["id"] == service.pk and item["code"] == "residence-permit-biometrics"
    assert item["name"] == service.name_en
    assert item["documents"] == ["Passport", "Two photos"]
    assert item["procedures"] == ["residence-permit-renewal"]
    assert sorted(item["sections"]) == ["live", "work"]
    assert item["slot_minutes"] == 15 and item["booking_window_days"] == 30
    assert item["offices"] == [
        {
            "id": office.pk,
            "code": office.code,
            "name": office.name_en,
            "address": "No. 1 Sample Road, Dongcheng District",
            "address_chinese": "北京市东城区示例路1号",
            "latitude": 39.9489,
            "longitude": 116.4134,
            "counter": "Hall B, counter 12",
        }
    ]
    chinese = client.get(SERVICES, {"lang": "zh-hans"}).json()["results"][0]
    assert chinese["name"] == service.name_zh_hans
    assert chinese["offices"][0]["address"] == "北京市东城区示例路1号"


def test_ids_are_the_same_whatever_the_language(client, slot):
    day = slot.starts_at.astimezone(BEIJING).date().isoformat()
    office = slot.office_id
    answers_by_language = []
    for lang in ("en", "ar", "zh-hans", "ru"):
        services = client.get(SERVICES, {"lang": lang}).json()["results"]
        slots = client.get(
            f"{SERVICES}{slot.service_id}/slots/", {"office": office, "date": day, "lang": lang}
        )
        answers_by_language.append(
            (
                [(item["id"], [office["id"] for office in item["offices"]]) for item in services],
                [entry["id"] for entry in slots.json()["slots"]],
            )
        )
    assert answers_by_language == [([(slot.service_id, [office])], [slot.pk])] * 4


def test_the_service_list_costs_the_same_queries_for_two_services_or_five(
    client, portal, django_assert_num_queries
):
    office = OfficeFactory()
    guide = ProcedurePageFactory(parent=ProcedureIndexPageFactory(parent=portal.sections["work"]["zh-hans"]))
    sections = SectionTag.objects.filter(code__in=["work", "live"])

    def services(count, offices):
        for service in AppointmentServiceFactory.create_batch(count, offices=offices):
            service.procedures.set([guide])
            service.sections.set(sections)
            service.save()

    services(2, [office])
    with django_assert_num_queries(5):  # count, page, offices, guides, sections
        assert client.get(SERVICES, {"lang": "en"}).json()["count"] == 2
    services(3, [office, OfficeFactory()])
    with django_assert_num_queries(5):
        assert client.get(SERVICES, {"lang": "en"}).json()["count"] == 5


def test_a_days_slots_give_their_remaining_places_in_beijing_time(client, slot, post):
    day = slot.starts_at.astimezone(BEIJING).date()
    ten = AppointmentSlotFactory(service=slot.service, starts_at=at(day, 10), capacity=2)
    assert post(BOOKINGS, answers(ten)).status_code == 201
    response = client.get(
        f"{SERVICES}{slot.service_id}/slots/",
        {"office": slot.office_id, "date": day.isoformat(), "lang": "en"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache", "remaining places are revalidated, not kept"
    assert response["ETag"]
    body = response.json()
    assert body["state"] == "open" and body["reason"] is None
    assert body["slots"] == [
        {
            "id": slot.pk,
            "start": f"{day.isoformat()}T09:00:00+08:00",
            "end": f"{day.isoformat()}T09:15:00+08:00",
            "remaining": 2,
        },
        {
            "id": ten.pk,
            "start": f"{day.isoformat()}T10:00:00+08:00",
            "end": f"{day.isoformat()}T10:15:00+08:00",
            "remaining": 1,
        },
    ]


def test_a_public_holiday_has_no_slots_and_says_why_in_the_requested_language(client):
    today = dt.datetime.now(BEIJING).date()
    holiday = (
        CalendarDay.objects.filter(kind="holiday", date__gt=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    service = AppointmentServiceFactory(booking_window_days=180)
    # A slot left on the holiday (made before the calendar was corrected) is never offered.
    AppointmentSlotFactory(service=service, starts_at=at(holiday, 9))
    office = service.service_offices.get().office
    url = f"{SERVICES}{service.pk}/slots/"
    english = client.get(url, {"office": office.pk, "date": holiday.isoformat(), "lang": "en"}).json()
    assert english["slots"] == [] and english["state"] == "holiday"
    assert english["reason"] == "The office is closed on this public holiday."
    chinese = client.get(url, {"office": office.pk, "date": holiday.isoformat(), "lang": "zh-hans"})
    assert chinese["Content-Language"] == "zh-Hans"  # the reason is written with gettext in that language
    assert chinese.json()["state"] == "holiday" and chinese.json()["reason"]


def test_a_closure_gives_its_own_reason(client, slot):
    day = slot.starts_at.astimezone(BEIJING).date()
    OfficeClosure.objects.create(
        office=slot.office, date=day, reason_en="Staff training", reason_zh_hans="员工培训"
    )
    body = client.get(
        f"{SERVICES}{slot.service_id}/slots/",
        {"office": slot.office_id, "date": day.isoformat(), "lang": "en"},
    ).json()
    assert body == {
        "service": slot.service_id,
        "office": slot.office_id,
        "date": day.isoformat(),
        "state": "closure",
        "reason": "Staff training",
        "slots": [],
    }


def test_a_year_whose_holidays_are_not_confirmed_cannot_be_booked_yet(client, slot):
    later = dt.date(dt.datetime.now(BEIJING).year + 2, 3, 2)
    body = client.get(
        f"{SERVICES}{slot.service_id}/slots/",
        {"office": slot.office_id, "date": later.isoformat(), "lang": "en"},
    ).json()
    assert body["slots"] == [] and body["state"] == "unconfirmed-year"
    assert str(later.year) in body["reason"]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"date": "2026-02-30"}, 400, "date"),
        ({"date": "tomorrow"}, 400, "date"),
        ({"office": 999999}, 400, "office"),
        ({"office": "x"}, 400, "office"),
        ({"office": 2**70}, 400, "office"),
    ],
)
def test_impossible_slot_questions_get_a_field_error(client, slot, params, status, field):
    query = {"office": slot.office_id, "date": "2026-12-01", "lang": "en"} | params
    response = client.get(f"{SERVICES}{slot.service_id}/slots/", query)
    assert response.status_code == status
    error = error_of(response)
    assert list(error["fields"]) == [field]


def test_slots_of_an_unknown_service_are_a_404(client, slot):
    response = client.get(f"{SERVICES}999999/slots/", {"office": slot.office_id, "date": "2026-12-01"})
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# --- Booking ---------------------------------------------------------------------------------------------


def test_a_booking_is_made_confirmed_by_email_and_never_echoes_the_document_number(
    slot, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(BOOKINGS, answers(slot, document_number="C01X00T47"), lang="en")
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert "C01X00T47" not in response.content.decode()
    booking = Booking.objects.get()
    assert body["reference"] == booking.reference and len(body["reference"]) == 11
    assert body["status"] == "active" and body["slot"] == slot.pk
    assert body["starts_at"].endswith("T09:00:00+08:00")
    assert body["service"]["id"] == slot.service_id and body["office"]["id"] == slot.office_id
    assert body["language"] == "de"
    assert decrypt_personal(booking.document_number_encrypted) == "C01X00T47"
    assert booking.consent_text and booking.language == "de"
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 1
    email = OutboundEmail.objects.get(purpose="booking-confirmation")
    assert email.to == ["person1@example.org"]


def test_bookings_in_arabic_and_english_use_up_the_same_places(slot, post):
    assert post(BOOKINGS, answers(slot, 1, language="ar"), lang="ar").status_code == 201
    assert post(BOOKINGS, answers(slot, 2, language="en"), lang="en").status_code == 201
    response = post(BOOKINGS, answers(slot, 3, language="zh-hans"), lang="zh-hans")
    assert response.status_code == 409
    assert error_of(response)["code"] == "slot-full"
    assert Booking.objects.count() == 2 and AppointmentSlot.objects.get(pk=slot.pk).booked == 2


def test_a_full_slot_is_a_409_that_writes_nothing(slot, post):
    AppointmentSlot.objects.filter(pk=slot.pk).update(booked=2)
    response = post(BOOKINGS, answers(slot), lang="en")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "slot-full"
    assert error["message"] == "This time has just been fully booked. Please choose another time."
    assert not Booking.objects.exists()


def test_a_second_active_booking_for_the_same_document_is_a_409(slot, post):
    assert post(BOOKINGS, answers(slot, 1, document_number="E12345678")).status_code == 201
    response = post(BOOKINGS, answers(slot, 2, document_number="e1234 5678"))
    assert response.status_code == 409
    assert error_of(response)["code"] == "already-booked"
    assert Booking.objects.count() == 1 and AppointmentSlot.objects.get(pk=slot.pk).booked == 1


def test_a_day_whose_bookings_are_capped_and_taken_is_a_409(slot, post):
    slot.service.daily_cap = 1
    slot.service.save()
    ten = AppointmentSlotFactory(service=slot.service, starts_at=slot.starts_at.replace(hour=10), capacity=2)
    assert post(BOOKINGS, answers(slot, 1)).status_code == 201
    response = post(BOOKINGS, answers(ten, 2))
    assert response.status_code == 409
    assert error_of(response)["code"] == "day-full"
    assert AppointmentSlot.objects.get(pk=ten.pk).booked == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"phone": "13800000000"}, "phone"),
        ({"slot": 999999}, "slot"),
        ({"slot": 2**70}, "slot"),
        ({"consent": False}, "consent"),
        ({"consent": "yes"}, "consent"),
        ({"full_name": "A" * 201}, "full_name"),
        ({"document_number": "1" * 31}, "document_number"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"nationality": "XX"}, "nationality"),
        ({"nationality": "DEU"}, "nationality"),
        ({"language": "pt-BR"}, "language"),
        ({"document_type": "library-card"}, "document_type"),
        ({"full_name": None}, "full_name"),
    ],
)
def test_bad_answers_are_a_400_naming_the_field_and_write_nothing(slot, post, change, field):
    response = post(BOOKINGS, answers(slot) | change, lang="en")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_request"
    assert list(error["fields"]) == [field]
    assert nothing_written(slot)


def test_a_missing_field_and_several_bad_ones_are_all_named(slot, post):
    body = answers(slot, email="nope", phone="123")
    del body["full_name"]
    error = error_of(post(BOOKINGS, body, lang="en"))
    assert error["fields"]["full_name"] == ["This field is required."]


def test_all_field_errors_come_together_in_the_requested_language(slot, post):
    response = post(BOOKINGS, answers(slot, email="nope", phone="123", consent=False), lang="de")
    error = error_of(response)
    assert sorted(error["fields"]) == ["consent", "email", "phone"]
    with translation.override("de"):
        assert error["fields"]["email"] == [str(EmailValidator.message)]  # Django's own German
    assert response["Content-Language"] == "de"
    assert nothing_written(slot)


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(lambda: dt.datetime.now(BEIJING) - dt.timedelta(days=1), id="in-the-past"),
        pytest.param(lambda: dt.datetime.now(BEIJING) + dt.timedelta(minutes=30), id="too-little-notice"),
        pytest.param(lambda: at(working_day(40), 9), id="beyond-the-window"),
    ],
)
def test_a_slot_that_cannot_be_booked_any_more_or_yet_is_a_400(slot, post, when):
    AppointmentSlot.objects.filter(pk=slot.pk).update(
        starts_at=when(), ends_at=when() + dt.timedelta(minutes=15)
    )
    response = post(BOOKINGS, answers(slot), lang="en")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["slot"]
    assert nothing_written(slot)


def test_a_slot_on_a_day_closed_after_it_was_made_is_a_400(slot, post):
    OfficeClosure.objects.create(office=slot.office, date=slot.starts_at.astimezone(BEIJING).date())
    response = post(BOOKINGS, answers(slot), lang="en")
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"slot": ["The office is closed on this day."]}
    assert nothing_written(slot)


def test_a_repeated_request_with_the_same_idempotency_key_makes_one_booking(
    slot, post, django_capture_on_commit_callbacks
):
    key = {"Idempotency-Key": "5a0c8e1e-4d2b-4a52-9d1b-6f0f5b7d2c11"}
    with django_capture_on_commit_callbacks(execute=True):
        first = post(BOOKINGS, answers(slot), headers=key)
        again = post(BOOKINGS, answers(slot), headers=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["reference"] == again.json()["reference"]
    assert Booking.objects.count() == 1 and AppointmentSlot.objects.get(pk=slot.pk).booked == 1
    assert OutboundEmail.objects.filter(purpose="booking-confirmation").count() == 1
    # Someone else who happens to send the same key books for themselves.
    other = post(BOOKINGS, answers(slot, 2), headers=key)
    assert other.status_code == 201 and other.json()["reference"] != first.json()["reference"]


# --- Protection -----------------------------------------------------------------------------------------


def test_a_booking_without_a_solved_challenge_is_refused_and_writes_nothing(slot, post):
    response = post(BOOKINGS, answers(slot), solve=False, lang="en")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "challenge_required"
    assert "X-Challenge-Solution" in error["message"]
    assert nothing_written(slot)


def test_a_solution_works_only_once(client, slot, post):
    used = solution(client)
    assert post(BOOKINGS, answers(slot, 1), headers={"X-Challenge-Solution": used}).status_code == 201
    response = post(BOOKINGS, answers(slot, 2), headers={"X-Challenge-Solution": used})
    assert response.status_code == 403
    assert error_of(response)["code"] == "challenge_invalid"
    forged = base64.b64encode(b'{"algorithm": "SHA-256", "number": 1}').decode()
    assert post(BOOKINGS, answers(slot, 2), headers={"X-Challenge-Solution": forged}).status_code == 403
    assert Booking.objects.count() == 1


def test_bot_checks_off_needs_no_challenge(slot, post, settings):
    settings.BOT_CHECKS = False
    assert post(BOOKINGS, answers(slot), solve=False).status_code == 201


def test_bookings_for_one_email_are_rate_limited_with_retry_after(post, settings):
    service = AppointmentServiceFactory(capacity_per_slot=20)
    slot = AppointmentSlotFactory(service=service, starts_at=at(working_day(), 9), capacity=20)
    same_email = {"email": "agency@example.org"}
    for n in range(1, 9):  # the booking form's allowance: 8 an hour per email address
        assert post(BOOKINGS, answers(slot, n, **same_email), ip=f"203.0.113.{n}").status_code == 201
    response = post(BOOKINGS, answers(slot, 9, **same_email), ip="203.0.113.9")
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    assert Booking.objects.count() == 8
    settings.RATE_LIMITS = False
    assert post(BOOKINGS, answers(slot, 9, **same_email), ip="203.0.113.9").status_code == 201


# --- Lookup and cancellation -------------------------------------------------------------------------------


@pytest.fixture
def booked(slot, post):
    response = post(BOOKINGS, answers(slot, document_number="C01X00T47"), lang="en")
    assert response.status_code == 201
    return response.json()


def test_a_booking_is_found_by_reference_and_email_in_any_spelling(post, booked):
    spoken = booked["reference"].lower().replace("-", " ")
    response = post(f"{BOOKINGS}lookup/", {"reference": spoken, "email": "Person1@Example.org"}, lang="en")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.json() == booked
    assert "C01X00T47" not in response.content.decode()


def test_a_wrong_email_gets_the_same_answer_as_an_unknown_reference(post, booked):
    wrong_email = post(f"{BOOKINGS}lookup/", {"reference": booked["reference"], "email": "x@example.org"})
    unknown = post(f"{BOOKINGS}lookup/", {"reference": "K7QM3-XHD9P", "email": "person1@example.org"})
    assert wrong_email.status_code == unknown.status_code == 404
    assert wrong_email.json() == unknown.json()
    assert error_of(unknown)["code"] == "booking_not_found"
    cancel = post(f"{BOOKINGS}cancel/", {"reference": booked["reference"], "email": "x@example.org"})
    assert cancel.status_code == 404 and cancel.json() == unknown.json()
    assert Booking.objects.get().status == BookingStatus.ACTIVE


def test_cancelling_gives_the_place_back_and_sends_one_cancellation(
    slot, post, booked, django_capture_on_commit_callbacks
):
    who = {"reference": booked["reference"], "email": "person1@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        response = post(f"{BOOKINGS}cancel/", who, lang="en")
        again = post(f"{BOOKINGS}cancel/", who, lang="en")
    assert response.status_code == again.status_code == 200
    assert response.json()["status"] == again.json()["status"] == "cancelled"
    assert AppointmentSlot.objects.get(pk=slot.pk).booked == 0
    assert OutboundEmail.objects.filter(purpose="booking-cancellation").count() == 1


def test_an_appointment_that_has_begun_cannot_be_cancelled(slot, post, booked):
    earlier = dt.datetime.now(BEIJING) - dt.timedelta(hours=1)
    AppointmentSlot.objects.filter(pk=slot.pk).update(
        starts_at=earlier, ends_at=earlier + dt.timedelta(minutes=15)
    )
    response = post(f"{BOOKINGS}cancel/", {"reference": booked["reference"], "email": "person1@example.org"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "not-cancellable"
    assert Booking.objects.get().status == BookingStatus.ACTIVE


def test_malformed_references_and_emails_are_a_400(post):
    response = post(f"{BOOKINGS}lookup/", {"reference": "ABC", "email": "nope"}, lang="en")
    assert response.status_code == 400
    assert sorted(error_of(response)["fields"]) == ["email", "reference"]


def test_lookups_of_one_reference_are_rate_limited(post, booked):
    who = {"reference": booked["reference"], "email": "wrong@example.org"}
    for n in range(10):  # the manage form's allowance: 10 an hour per reference
        assert post(f"{BOOKINGS}lookup/", who, ip=f"198.51.100.{n}").status_code == 404
    response = post(f"{BOOKINGS}lookup/", who | {"email": "person1@example.org"}, ip="198.51.100.99")
    assert response.status_code == 429


def test_lookups_need_a_solved_challenge_too(post, booked):
    response = post(
        f"{BOOKINGS}lookup/", {"reference": booked["reference"], "email": "person1@example.org"}, solve=False
    )
    assert response.status_code == 403


# --- Schema ----------------------------------------------------------------------------------------------


def test_the_schema_documents_the_booking_endpoints_and_their_errors(client):
    schema = client.get("/api/v1/schema/").json()
    paths = schema["paths"]
    assert {"/api/v1/appointment-services/", "/api/v1/appointment-services/{service_id}/slots/"} <= set(paths)
    for path in (
        "/api/v1/challenges/",
        "/api/v1/bookings/",
        "/api/v1/bookings/lookup/",
        "/api/v1/bookings/cancel/",
    ):
        assert set(paths[path]) == {"post"}
    create = paths["/api/v1/bookings/"]["post"]
    assert {"201", "400", "403", "409", "429"} <= set(create["responses"])
    assert "slot-full" in create["responses"]["409"]["description"]
    headers = {parameter["name"] for parameter in create["parameters"] if parameter["in"] == "header"}
    assert headers == {"X-Challenge-Solution", "Idempotency-Key"}
    body = schema["components"]["schemas"]["BookingIn"]
    assert body["examples"][0]["consent"] is True
    assert body["properties"]["document_type"]["enum"][0] == "passport"
