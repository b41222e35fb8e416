"""Which guides are due for review, and the weekly reminder to the departments that own them.

A guide's owner is its review owner, or else its responsible department (`owner_department`). Only
live guides in the source language (Chinese) are reviewed: translations follow their source through
wagtail-localize.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from wagtail.models import Locale

from cityportal.core.models import Department
from cityportal.core.services.messaging import queue_email

from .models import ProcedurePage, ReviewReminder

SOON_DAYS = 30  # "due soon" in the report: within this many days
REMINDER_PURPOSE = "guide-review-reminder"


def source_guides() -> QuerySet[ProcedurePage]:
    """Live guides in the source language, with their owner department's code for sorting."""
    return (
        ProcedurePage.objects.live()
        .filter(locale=Locale.get_default())
        .select_related("review_owner", "department")
        .annotate(owner_department_code=Coalesce("review_owner__code", "department__code"))
    )


def due_for_review(today: date, *, within_days: int = 0) -> QuerySet[ProcedurePage]:
    """Source guides whose review date is `today` or earlier (or within the next `within_days`)."""
    return source_guides().filter(review_due__lte=today + timedelta(days=within_days))


def owned_by(guides: QuerySet[ProcedurePage], department: Department) -> QuerySet[ProcedurePage]:
    return guides.filter(Q(review_owner=department) | Q(review_owner__isnull=True, department=department))


def admin_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@dataclass
class ReminderRun:
    sent: list[Department] = field(default_factory=list)
    already_sent: list[Department] = field(default_factory=list)
    without_email: list[Department] = field(default_factory=list)
    guides: int = 0
    guides_without_owner: int = 0

    def summary(self) -> str:
        parts = [
            ngettext(
                "%(count)d reminder queued", "%(count)d reminders queued", len(self.sent)
            ) % {"count": len(self.sent)},
            ngettext(
                "%(count)d guide due for review", "%(count)d guides due for review", self.guides
            ) % {"count": self.guides},
        ]  # fmt: skip
        if self.already_sent:
            parts.append(
                gettext("already reminded for this week: %(codes)s")
                % {"codes": ", ".join(department.code for department in self.already_sent)}
            )
        if self.without_email:
            parts.append(
                gettext("skipped, no reminder email: %(codes)s")
                % {"codes": ", ".join(department.code for department in self.without_email)}
            )
        if self.guides_without_owner:
            parts.append(
                ngettext(
                    "%(count)d guide has no owner department",
                    "%(count)d guides have no owner department",
                    self.guides_without_owner,
                )
                % {"count": self.guides_without_owner}
            )
        return "; ".join(parts) + "."


def send_review_reminders(tick: datetime) -> ReminderRun:
    """Queue one email per owner department listing its guides due for review on the tick's day.

    Idempotent per tick: a department already reminded for `tick` gets nothing more.
    """
    run = ReminderRun()
    by_department: dict[int, list[ProcedurePage]] = defaultdict(list)
    departments: dict[int, Department] = {}
    due = due_for_review(timezone.localdate(tick)).order_by("review_due", "sort_title")
    for guide in due.defer_streamfields():
        run.guides += 1
        owner = guide.owner_department
        if owner is None:
            run.guides_without_owner += 1
            continue
        departments[owner.pk] = owner
        by_department[owner.pk].append(guide)

    for pk, guides in sorted(by_department.items(), key=lambda item: departments[item[0]].code):
        department = departments[pk]
        if not department.reminder_email:
            run.without_email.append(department)
        elif _remind(department, guides, tick):
            run.sent.append(department)
        else:
            run.already_sent.append(department)
    return run


def _remind(department: Department, guides: list[ProcedurePage], tick: datetime) -> bool:
    if ReviewReminder.objects.filter(department=department, tick=tick).exists():
        return False
    subject, text, html = render_reminder(department, guides)
    try:
        with transaction.atomic():
            # The reminder row and the queued email are committed together, or neither is.
            reminder = ReviewReminder.objects.create(
                department=department, tick=tick, guide_count=len(guides)
            )
            reminder.email = queue_email(
                department.reminder_email,
                subject,
                text,
                html,
                language=settings.LANGUAGE_CODE,
                purpose=REMINDER_PURPOSE,
            )
            reminder.save(update_fields=["email"])
    except IntegrityError:  # another process reminded this department for this tick meanwhile
        return False
    return True


def render_reminder(department: Department, guides: list[ProcedurePage]) -> tuple[str, str, str]:
    """Subject, text and HTML of a department's reminder, in the portal's source language."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "department": department,
            "guides": [
                {"guide": guide, "edit_url": admin_url(reverse("wagtailadmin_pages:edit", args=[guide.pk]))}
                for guide in guides
            ],
            "report_url": admin_url(reverse("procedures_reports:guides_due")),
        }
        subject = ngettext(
            "%(department)s: %(count)d guide is due for review",
            "%(department)s: %(count)d guides are due for review",
            len(guides),
        ) % {"department": department, "count": len(guides)}
        text = render_to_string("procedures/emails/review_reminder.txt", context)
        html = render_to_string("procedures/emails/review_reminder.html", context)
    return " ".join(subject.split()), text, html
