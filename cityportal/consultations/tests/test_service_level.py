"""The answering service level on the real 2026 calendar (State Council notice, written out in
core/tests/holidays_2026.py independently of the `holidays` package): when an answer is due, when a
question is due soon or overdue, and the response-time summary."""

from datetime import date, datetime, timedelta

import pytest

from cityportal.core.models import CalendarDay, CalendarYear
from cityportal.core.tests.holidays_2026 import HOLIDAYS_2026, WORKDAYS_2026
from cityportal.core.working_days import WorkingCalendar

from ..admin.filters import BEIJING, ServiceClock
from ..models import ConsultationSettings, Question
from ..service_level import AnsweredQuestion, Timeliness, answer_due_on, response_times, timeliness
from ..services import submit_question
from .factories import QuestionFactory

CALENDAR_2026 = WorkingCalendar(
    holidays=HOLIDAYS_2026, workdays=WORKDAYS_2026, years=frozenset({2026}), confirmed_years=frozenset({2026})
)
FRIDAY = date(2026, 3, 6)
DAY_BEFORE_NATIONAL_DAY = date(2026, 9, 30)  # a Wednesday; 1–7 October off, Saturday 10 October worked


def store_2026_calendar():
    year = CalendarYear.objects.create(year=2026, confirmed=True)
    CalendarDay.objects.bulk_create(
        [CalendarDay(year=year, date=day, kind=CalendarDay.Kind.HOLIDAY) for day in HOLIDAYS_2026]
        + [CalendarDay(year=year, date=day, kind=CalendarDay.Kind.WORKDAY) for day in WORKDAYS_2026]
    )


# --- When an answer is due ---------------------------------------------------------------------------


def test_five_working_days_from_a_friday_skip_the_weekend():
    assert answer_due_on(FRIDAY, 5, CALENDAR_2026) == date(2026, 3, 13)
    # A question sent on Saturday or Sunday is due the same day as Friday's: counting starts Monday.
    assert answer_due_on(FRIDAY + timedelta(days=1), 5, CALENDAR_2026) == date(2026, 3, 13)
    assert answer_due_on(FRIDAY + timedelta(days=2), 5, CALENDAR_2026) == date(2026, 3, 13)


def test_the_national_day_week_is_not_counted_and_its_makeup_saturday_is():
    # 8 Oct (1), 9 Oct (2), Saturday 10 Oct worked (3), Monday 12 Oct (4), Tuesday 13 Oct (5).
    assert answer_due_on(DAY_BEFORE_NATIONAL_DAY, 5, CALENDAR_2026) == date(2026, 10, 13)
    assert answer_due_on(DAY_BEFORE_NATIONAL_DAY, 3, CALENDAR_2026) == date(2026, 10, 10)
    # A question sent during the holiday is counted from the first working day after it.
    assert answer_due_on(date(2026, 10, 3), 1, CALENDAR_2026) == date(2026, 10, 8)


def test_a_makeup_sunday_before_mid_autumn_is_a_working_day():
    # Sunday 20 September 2026 is worked (for the Mid-Autumn break of 25–27 September).
    assert answer_due_on(date(2026, 9, 18), 1, CALENDAR_2026) == date(2026, 9, 20)


# --- Due soon and overdue ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        (FRIDAY - timedelta(days=1), Timeliness.OVERDUE),  # due yesterday
        (FRIDAY - timedelta(days=30), Timeliness.OVERDUE),
        (FRIDAY, Timeliness.DUE_SOON),  # due today
        (FRIDAY + timedelta(days=1), Timeliness.DUE_SOON),  # Saturday: no working day before it
        (FRIDAY + timedelta(days=3), Timeliness.DUE_SOON),  # Monday: the next working day
        (FRIDAY + timedelta(days=4), Timeliness.ON_TIME),  # Tuesday: two working days away
    ],
    ids=str,
)
def test_timeliness_on_a_friday_with_one_day_of_warning(due_on, expected):
    assert timeliness(due_on, FRIDAY, 1, CALENDAR_2026) is expected


def test_due_today_is_due_soon_even_without_warning_days():
    assert timeliness(FRIDAY, FRIDAY, 0, CALENDAR_2026) is Timeliness.DUE_SOON
    assert timeliness(FRIDAY + timedelta(days=3), FRIDAY, 0, CALENDAR_2026) is Timeliness.ON_TIME


def test_the_holiday_week_does_not_count_towards_due_soon():
    assert timeliness(date(2026, 10, 8), DAY_BEFORE_NATIONAL_DAY, 1, CALENDAR_2026) is Timeliness.DUE_SOON
    assert timeliness(date(2026, 10, 9), DAY_BEFORE_NATIONAL_DAY, 1, CALENDAR_2026) is Timeliness.ON_TIME


@pytest.mark.django_db
@pytest.mark.parametrize("due_soon_days", [0, 1, 3])
def test_the_inbox_filters_agree_with_timeliness_around_national_day(due_soon_days):
    """The inbox's “Overdue” and “Due soon” filters (database queries) pick exactly the questions
    whose badge (timeliness) says so, every day from three weeks before to three weeks after."""
    store_2026_calendar()
    config = ConsultationSettings.load()
    config.due_soon_working_days = due_soon_days
    config.save()
    now = datetime(2026, 9, 30, 16, 0, tzinfo=BEIJING)
    clock = ServiceClock.load(now=now)
    assert clock.today == DAY_BEFORE_NATIONAL_DAY and clock.due_soon_days == due_soon_days
    questions = [
        QuestionFactory(due_on=DAY_BEFORE_NATIONAL_DAY + timedelta(days=offset)) for offset in range(-21, 22)
    ]
    for state, condition in ((Timeliness.OVERDUE, clock.overdue()), (Timeliness.DUE_SOON, clock.due_soon())):
        picked = set(Question.objects.filter(condition).values_list("pk", flat=True))
        expected = {question.pk for question in questions if clock.timeliness(question) is state}
        assert picked == expected, state
    assert clock.timeliness(QuestionFactory(answered=True, due_on=date(2026, 9, 1))) is None


# --- The response-time summary -----------------------------------------------------------------------


def answered(received: datetime, hours: float, due_on: date) -> AnsweredQuestion:
    answered_at = received + timedelta(hours=hours)
    return AnsweredQuestion(received, answered_at, answered_at.astimezone(BEIJING).date(), due_on)


def test_response_times_give_the_median_and_how_many_were_answered_by_their_due_day():
    received = datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)
    items = [
        answered(received, 2, date(2026, 3, 9)),
        answered(received, 30, date(2026, 3, 9)),
        answered(received, 7 * 24 + 1, date(2026, 3, 9)),  # answered on 9 March, the due day itself
        answered(received, 9 * 24, date(2026, 3, 9)),  # 11 March: late
    ]
    summary = response_times(items)
    assert summary.answered == 4
    assert summary.median_hours == (30 + 7 * 24 + 1) / 2
    assert summary.within_deadline == 3
    assert summary.share_within_deadline == 0.75
    assert response_times(items[:3]).median_hours == 30


def test_response_times_of_nothing_have_no_median_and_no_share():
    summary = response_times([])
    assert (summary.answered, summary.median_hours, summary.within_deadline) == (0, None, 0)
    assert summary.share_within_deadline is None


# --- Asking stores the due day -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("working_days", "due_on"), [(3, date(2026, 10, 10)), (5, date(2026, 10, 13))])
def test_submit_question_stores_the_due_day_from_the_settings(working_days, due_on):
    store_2026_calendar()
    config = ConsultationSettings.load()
    config.answer_within_working_days = working_days
    config.save()
    question = submit_question(
        language="ko",
        section="live",
        text="주소 등록은 어떻게 하나요?",
        email="visitor@example.org",
        now=datetime(2026, 9, 30, 10, 0, tzinfo=BEIJING),
    )
    question.refresh_from_db()
    assert question.due_on == due_on
