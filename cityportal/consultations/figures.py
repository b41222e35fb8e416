"""The public service figures, per month of Beijing time, for the last twelve months.

- *Received*: questions that arrived in the month (every question, spam closed unanswered too).
- *Answered*: questions whose first answer was sent in the month, whenever they arrived; a
  question is counted once, in the month of its first answer.
- *Median answer time*: over the questions answered in the month, from arrival to first answer.
- *Within the deadline*: the share of those answered on or before their due day (the working days
  ConsultationSettings gave them when they arrived, on the holiday calendar).
- *Satisfaction*: "Yes" votes / all votes to "Was this answer helpful?" on the FAQ pages of every
  language in the month; none when nobody voted.

Anonymised questions keep the times these use, so they still count. Three queries (counts and
votes are aggregated in the database; the median is taken in Python over the answer times of the
year's answered questions, three columns a row), kept in the cache for an hour.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import ConsultationSettings, FAQVoteCount, Question
from .service_level import AnsweredQuestion, response_times

BEIJING = ZoneInfo(settings.TIME_ZONE)
MONTHS = 12
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class MonthFigures:
    month: date  # the first day
    received: int = 0
    answered: int = 0
    median_hours: float | None = None
    within_deadline: int = 0
    helpful: int = 0
    not_helpful: int = 0
    current: bool = False  # the month is not over yet

    @property
    def share_within_deadline(self) -> float | None:
        return self.within_deadline / self.answered if self.answered else None

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def satisfaction(self) -> float | None:
        return self.helpful / self.votes if self.votes else None


@dataclass(frozen=True)
class Figures:
    months: list[MonthFigures]  # newest first
    deadline_days: int  # the current setting, to explain "within the deadline"


def month_starts(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the `count` months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(n // 12, n % 12 + 1, 1) for n in range(index - count + 1, index + 1)]


def _as_month(value) -> date:
    """A month from TruncMonth: a datetime in Beijing time (PostgreSQL, SQLite) or a date."""
    if isinstance(value, datetime):
        value = timezone.localtime(value, BEIJING) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def monthly_figures(*, today: date | None = None, count: int = MONTHS) -> list[MonthFigures]:
    """The figures of the last `count` months, newest first; months without questions are zeros."""
    today = today or timezone.localdate()
    months = month_starts(today, count)
    start = datetime(months[0].year, months[0].month, 1, tzinfo=BEIJING)

    received = {
        _as_month(row["month"]): row["count"]
        for row in Question.objects.filter(received_at__gte=start)
        .annotate(month=TruncMonth("received_at", tzinfo=BEIJING))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"))
    }

    answered: dict[date, list[AnsweredQuestion]] = {}
    rows = (
        Question.objects.filter(first_answered_at__gte=start)
        .order_by()
        .values_list("received_at", "first_answered_at", "due_on")
    )
    for received_at, answered_at, due_on in rows:
        answered_on = timezone.localtime(answered_at, BEIJING).date()
        answered.setdefault(answered_on.replace(day=1), []).append(
            AnsweredQuestion(
                received_at=received_at, answered_at=answered_at, answered_on=answered_on, due_on=due_on
            )
        )

    votes = {
        row["month"]: (row["helpful"] or 0, row["not_helpful"] or 0)
        for row in FAQVoteCount.objects.filter(month__gte=months[0])
        .order_by()
        .values("month")
        .annotate(helpful=Sum("helpful"), not_helpful=Sum("not_helpful"))
    }

    figures = []
    for month in reversed(months):
        times = response_times(answered.get(month, []))
        helpful, not_helpful = votes.get(month, (0, 0))
        figures.append(
            MonthFigures(
                month=month,
                received=received.get(month, 0),
                answered=times.answered,
                median_hours=times.median_hours,
                within_deadline=times.within_deadline,
                helpful=helpful,
                not_helpful=not_helpful,
                current=month == months[-1],
            )
        )
    return figures


def answer_within_working_days() -> int:
    return ConsultationSettings.load().answer_within_working_days


def cached_monthly_figures() -> Figures:
    """The figures as the page shows them, computed at most once an hour (per month, so a new
    month starts a new row at once) and again when the FAQ version changes (votes' months added
    or removed, see signals.py)."""
    from .faq import faq_version

    today = timezone.localdate()
    key = f"cityportal:consultations:figures:{faq_version()}:{today:%Y-%m}"
    found = cache.get(key)
    if found is None:
        found = Figures(months=monthly_figures(today=today), deadline_days=answer_within_working_days())
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found
