"""The answering service level as plain functions: when an answer is due, and how late it is.

A question received on day D (Beijing) is due N working days later on the holiday calendar that
appointments use (core/working_days.py): received on a Friday with N = 5, due the next Friday;
received on a holiday, the count starts on the next working day all the same (start exclusive).
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from statistics import median

from cityportal.core.working_days import WorkingCalendar, add_working_days, working_days_between


class Timeliness(StrEnum):
    ON_TIME = "on-time"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"


def answer_due_on(received_on: date, working_days: int, calendar: WorkingCalendar) -> date:
    return add_working_days(received_on, working_days, calendar)


def timeliness(due_on: date, today: date, due_soon_days: int, calendar: WorkingCalendar) -> Timeliness:
    """How an open question stands today: overdue after its due day, due soon within `due_soon_days`
    working days of it (due today counts as due soon)."""
    if today > due_on:
        return Timeliness.OVERDUE
    if working_days_between(today, due_on, calendar) <= due_soon_days:
        return Timeliness.DUE_SOON
    return Timeliness.ON_TIME


@dataclass(frozen=True)
class AnsweredQuestion:
    received_at: datetime
    answered_at: datetime
    answered_on: date  # Beijing date of the first answer
    due_on: date


@dataclass(frozen=True)
class ResponseTimes:
    answered: int
    median_hours: float | None
    within_deadline: int

    @property
    def share_within_deadline(self) -> float | None:
        return self.within_deadline / self.answered if self.answered else None


def response_times(answered: list[AnsweredQuestion]) -> ResponseTimes:
    """Median hours from arrival to first answer, and how many were answered by their due day."""
    hours = [(item.answered_at - item.received_at).total_seconds() / 3600 for item in answered]
    return ResponseTimes(
        answered=len(answered),
        median_hours=median(hours) if hours else None,
        within_deadline=sum(1 for item in answered if item.answered_on <= item.due_on),
    )
