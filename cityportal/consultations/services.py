"""State changes of questions and the FAQ. Views, the admin, commands and tests all call these.

Each function checks what the database cannot, writes in one transaction, records who did what in
Wagtail's audit log (ModelLogEntry), and queues the visitor's email in the same transaction, so a
failure leaves neither a half-made question nor an email about something that did not happen.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Locale

from cityportal.core.models import Department
from cityportal.core.references import new_reference
from cityportal.core.working_days import load_working_calendar

from . import notifications
from .attachments import CleanAttachment
from .models import (
    ConsultationSettings,
    FAQEntry,
    FAQVoteCount,
    InternalNote,
    Question,
    QuestionAttachment,
    QuestionStatus,
    Reply,
)
from .personal_data import find_personal_data
from .service_level import answer_due_on

REFERENCE_PREFIX = "Q"


BEIJING = ZoneInfo(settings.TIME_ZONE)  # Asia/Shanghai


def beijing_date(moment: datetime):
    """The day in Beijing, whatever time zone an admin user chose in their profile."""
    return moment.astimezone(BEIJING).date()


def new_question_reference() -> str:
    """“Q” and a booking-style reference (“QK7QM3-XHD9P” without the hyphen is never shown)."""
    return REFERENCE_PREFIX + new_reference()


def submit_question(
    *,
    language: str,
    section: str,
    text: str,
    email: str,
    name: str = "",
    procedure=None,
    attachments: Sequence[CleanAttachment] = (),
    attachments_consent: bool = False,
    now: datetime | None = None,
) -> Question:
    """Store a visitor's question with its due day and attachments; queue the acknowledgement."""
    if attachments and not attachments_consent:
        raise ValidationError(_("Agree to send the documents, or remove them."), code="attachments_consent")
    now = now or timezone.now()
    received_on = beijing_date(now)
    config = ConsultationSettings.load()
    calendar = load_working_calendar({received_on.year, received_on.year + 1})
    stored_files: list[QuestionAttachment] = []
    try:
        with transaction.atomic():
            question = _create_question(
                language=language,
                section=section,
                text=text.strip(),
                email=email,
                name=name.strip(),
                procedure=procedure,
                attachments=attachments,
                now=now,
                due_on=answer_due_on(received_on, config.answer_within_working_days, calendar),
                stored_files=stored_files,
            )
            notifications.send_acknowledgement(question)
    except BaseException:
        for attachment in stored_files:  # files are not transactional: remove what a rollback left
            attachment.file.delete(save=False)
        raise
    return question


def _create_question(
    *, language, section, text, email, name, procedure, attachments, now, due_on, stored_files
):
    question = Question.objects.create(
        reference=new_question_reference(),
        language=language,
        section=section,
        procedure=procedure,
        # A question about a guide goes straight to the guide's department (still "new" there).
        department=getattr(procedure, "department", None),
        text=text,
        name=name,
        email=email,
        received_at=now,
        due_on=due_on,
        consent_at=now,
        attachments_consent_at=now if attachments else None,
    )
    for attachment in attachments:
        stored = QuestionAttachment(
            question=question,
            original_name=attachment.name,
            content_type=attachment.content_type,
            size=len(attachment.data),
        )
        stored.file.save(attachment.stored_name or attachment.name, ContentFile(attachment.data), save=False)
        stored_files.append(stored)
        stored.save()
    return question


def assign_question(
    question: Question, *, by, department: Department | None = None, assignee=None
) -> Question:
    """Give a question to a department and/or a person; a new question becomes “assigned”."""
    with transaction.atomic():
        question = Question.objects.select_for_update(of=("self",)).get(pk=question.pk)
        changes = {}
        if department is not None and department != question.department:
            question.department = department
            changes["department"] = department.code
        if assignee != question.assignee:
            question.assignee = assignee
            changes["assignee"] = assignee.get_username() if assignee else None
        if question.status == QuestionStatus.NEW and (question.assignee or question.department):
            question.status = QuestionStatus.ASSIGNED
            question.assigned_at = timezone.now()
        question.save()
        log(question, "consultations.assign", user=by, data=changes)
    return question


def add_note(question: Question, *, by, text: str) -> InternalNote:
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the note first."), code="empty")
    with transaction.atomic():
        note = InternalNote.objects.create(question=question, author=by, text=text)
        log(question, "consultations.note", user=by)
    return note


def answer_question(question: Question, *, by, text: str, draft_zh: str = "") -> Reply:
    """Send a reply in the question's language: email it, show it on the status page, mark answered."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the reply first."), code="empty")
    if question.anonymised_at:
        raise ValidationError(_("This question's personal data has been deleted; it cannot be answered."))
    with transaction.atomic():
        question = Question.objects.select_for_update(of=("self",)).get(pk=question.pk)
        now = timezone.now()
        reply = Reply.objects.create(question=question, author=by, text=text, draft_zh=draft_zh, sent_at=now)
        reply.email = notifications.send_reply(reply)
        reply.save(update_fields=["email"])
        question.status = QuestionStatus.ANSWERED
        question.first_answered_at = question.first_answered_at or now
        if by is not None and question.assignee is None:
            question.assignee = by
        question.save()
        log(question, "consultations.answer", user=by)
    return reply


def close_question(question: Question, *, by) -> Question:
    with transaction.atomic():
        question = Question.objects.select_for_update(of=("self",)).get(pk=question.pk)
        question.status = QuestionStatus.CLOSED
        question.closed_at = timezone.now()
        question.save()
        log(question, "consultations.close", user=by)
    return question


@dataclass(frozen=True)
class FAQText:
    question: str
    answer: str


def personal_data_problems(texts: Mapping[str, FAQText]) -> list[str]:
    """A sentence for each language whose public text still holds personal data."""
    from cityportal.core.i18n import language_name

    problems = []
    for language, text in texts.items():
        for finding in find_personal_data(f"{text.question}\n{text.answer}"):
            problems.append(
                _("%(language)s: the text contains %(what)s (“%(text)s”); remove it before publishing.")
                % {"language": language_name(language), "what": finding.label, "text": finding.text}
            )
    return problems


def publish_faq(
    *,
    by,
    section: str,
    texts: Mapping[str, FAQText],
    source: Question | None = None,
    translation_key: uuid.UUID | None = None,
) -> list[FAQEntry]:
    """Publish one FAQ entry in each language of `texts` (language code → public text).

    Refused, writing nothing, while any text is empty or holds an email address, a phone number or
    an ID-like number. The versions share a translation_key, so they are one entry in nine languages.
    """
    if not texts:
        raise ValidationError(_("Choose at least one language to publish in."), code="no_language")
    empty = [code for code, text in texts.items() if not text.question.strip() or not text.answer.strip()]
    if empty:
        raise ValidationError(_("Write the question and the answer in every language you publish in."))
    problems = personal_data_problems(texts)
    if problems:
        raise ValidationError(problems, code="personal_data")
    locales = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in=texts)}
    now = timezone.now()
    with transaction.atomic():
        entries: list[FAQEntry] = []
        for code, text in texts.items():
            entry = FAQEntry(
                locale=locales[code],
                section=section,
                question=text.question.strip(),
                answer=text.answer.strip(),
                source=source,
                published_at=now,
            )
            if translation_key is not None:  # the demo's stable keys, so that loading twice changes nothing
                entry.translation_key = translation_key
            elif entries:
                entry.translation_key = entries[0].translation_key
            entry.save()
            entries.append(entry)
        if source is not None:
            log(source, "consultations.publish_faq", user=by, data={"languages": list(texts)})
    return entries


def record_vote(entry: FAQEntry, *, helpful: bool, now: datetime | None = None) -> None:
    """Count one “was this answer helpful?” vote in this month's row (created on the first vote)."""
    month = beijing_date(now or timezone.now()).replace(day=1)
    field = "helpful" if helpful else "not_helpful"
    with transaction.atomic():
        counts, _created = FAQVoteCount.objects.get_or_create(entry=entry, month=month)
        FAQVoteCount.objects.filter(pk=counts.pk).update(**{field: F(field) + 1})


def delete_attachments(question: Question) -> int:
    """Remove a question's files from the private storage and their rows; the number removed."""
    attachments = list(question.attachments.all())
    names = [attachment.file.name for attachment in attachments]
    QuestionAttachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()
    if names:
        storage = QuestionAttachment._meta.get_field("file").storage
        # Files go only once the rows are gone for good: a rollback keeps both.
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return len(attachments)


# A file younger than this may belong to a submission still in its transaction: leave it alone.
ORPHAN_GRACE = timedelta(hours=1)


def sweep_orphan_attachment_files(now: datetime | None = None) -> int:
    """Delete files under questions/ in the private storage that no attachment row names.

    Files are not transactional: a submission rolled back by a caller's transaction, or a process
    killed between writing a file and committing its row, leaves a file behind. Passport scans must
    not outlive their question, so this sweep (a scheduled job) removes them."""
    storage = QuestionAttachment._meta.get_field("file").storage
    cutoff = (now or timezone.now()) - ORPHAN_GRACE
    known = set(QuestionAttachment.objects.values_list("file", flat=True))
    removed = 0
    pending = ["questions"]
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        pending += [f"{folder}/{name}" for name in folders]
        for name in files:
            path = f"{folder}/{name}"
            if path not in known and storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                removed += 1
    return removed


def anonymise_question(question: Question, *, now: datetime | None = None) -> None:
    """Delete the personal data of a question and keep what the service figures need."""
    with transaction.atomic():
        delete_attachments(question)
        question.notes.all().delete()
        question.replies.update(text="", draft_zh="")
        Question.objects.filter(pk=question.pk).update(
            name="", email="", text="", text_zh="", anonymised_at=now or timezone.now()
        )
