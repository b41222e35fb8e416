"""Questions visitors ask, what staff do with them, and the replies they send.

A question is asked in one of the nine languages and answered in the same language. Its personal
data (name, email, text, attachments, notes and replies) is kept RETENTION["questions"] after it
was sent, then anonymised: the row stays, without personal data, so the monthly service figures
(received, answered, answer time, within the deadline) do not change when old questions go.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cityportal.core.sections import Section

QUESTION_MAX_LENGTH = 4000
REPLY_MAX_LENGTH = 10000
NOTE_MAX_LENGTH = 4000


def private_storage():
    """Attachments often show passports: they live in the "private" storage, never under MEDIA_URL,
    and reach staff only through the admin's download view (a callable keeps migrations stable)."""
    return storages["private"]


class QuestionStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("question status", "Closed")  # not an office's "Closed"


class Question(models.Model):
    reference = models.CharField(_("reference"), max_length=12, unique=True)  # "Q" + "XXXXX-XXXXX"
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    # The guide the visitor asked about, in their language (optional); the section is set from it.
    procedure = models.ForeignKey(
        "procedures.ProcedurePage",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("email address"), blank=True)  # blank only once anonymised
    # The question machine-translated into Chinese for staff ("" when not translated), and by what.
    text_zh = models.TextField(_("question in Chinese"), blank=True)
    text_zh_engine = models.CharField(max_length=100, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.NEW
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_questions",
    )

    received_at = models.DateTimeField(_("received"), db_index=True)
    # The last day (Beijing) an answer is due: received date + N working days (service_level.py).
    due_on = models.DateField(_("answer due"))
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consented to the privacy notice"))
    attachments_consent_at = models.DateTimeField(_("consented to sending documents"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        permissions = [
            ("see_all_departments", _("Can see and answer the questions of every department")),
            ("export_questions", _("Can export questions as CSV")),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="question_status_due"),
            models.Index(fields=["department", "status"], name="question_department_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status_known"
            ),
            models.CheckConstraint(condition=Q(section__in=Section.values), name="question_section_known"),
            # Answered and closed questions have been answered (a closed one may be closed unanswered: spam).
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.ANSWERED) | Q(first_answered_at__isnull=False),
                name="question_answered_has_answer_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.CLOSED) | Q(closed_at__isnull=False),
                name="question_closed_has_close_time",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=False) | ~Q(email=""),
                name="question_has_email_until_anonymised",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (QuestionStatus.NEW, QuestionStatus.ASSIGNED)


class QuestionAttachment(models.Model):
    """An image (EXIF removed) or PDF a visitor sent with a question; type checked by content."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="questions/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class InternalNote(models.Model):
    """Staff's notes on a question; never shown to the visitor."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self):
        return f"{self.question} #{self.pk}"


class Reply(models.Model):
    """An answer emailed to the visitor in the question's language and shown on the status page."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("reply"), max_length=REPLY_MAX_LENGTH)
    # The Chinese draft it was machine-translated from, kept for the record ("" when written directly).
    draft_zh = models.TextField(_("Chinese draft"), blank=True)
    sent_at = models.DateTimeField(_("sent"))
    email = models.ForeignKey(
        "core.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return f"{self.question} #{self.pk}"


class ReplyTemplate(models.Model):
    """A saved reply in one language that staff start from (greeting, standard answers, closing)."""

    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    section = models.CharField(_("section"), max_length=20, choices=Section.choices, blank=True)
    body = models.TextField(_("text"), max_length=REPLY_MAX_LENGTH)

    class Meta:
        ordering = ["language", "title"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "language"], name="reply_template_title_once_per_language"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"


class DepartmentAssignment(models.Model):
    """Consultation staff answer for the departments they are assigned to (supervisors: all)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="consultation_departments",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="consultation_staff",
    )

    class Meta:
        ordering = ["department", "user"]
        verbose_name = _("department assignment")
        verbose_name_plural = _("department assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="department_assignment_once")
        ]

    def __str__(self):
        return f"{self.user} @ {self.department}"
