"""The consultations app's personal data: questions and the documents sent with them (docs/privacy.md).

A question holds the visitor's name, email address and words (and their machine translation into
Chinese), the documents they chose to attach (often a passport page), the replies staff sent and the
notes staff wrote about it.

Retention, two data classes run by the daily purge (core/jobs.py):
- `question_attachments`: RETENTION["question_attachments"] (90 days) after the question was sent,
  its documents are deleted, files and rows: they are needed only while the question is answered.
- `questions`: RETENTION["questions"] (2 years) after it was sent, the question is anonymised
  (services.anonymise_question): name, email, text, notes, replies' text and any document left go;
  the row stays with its dates, language, section, department and status, so the monthly service
  figures do not change when old questions go.

"Your data" (/<lang>/privacy/my-data/): the question's reference (“Q…”) with the email address it
was sent from shows that question, downloads it as JSON and erases it (anonymises it). As for
appointments, a reference finds its own question only, not the other questions of the address.
The emails about the question mention its reference, so the core provider shows and deletes them too.
"""

from collections.abc import Callable, Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from cityportal.core.data_requests import Record, register_personal_data_provider
from cityportal.core.i18n import language_name
from cityportal.core.references import normalise_reference
from cityportal.core.retention import register_retention
from cityportal.core.templatetags.core_tags import format_date, format_datetime, format_number

from .models import Question, QuestionAttachment
from .services import REFERENCE_PREFIX, anonymise_question, close_question, delete_attachments

PROVIDER = "questions"
BATCH_SIZE = 200  # questions held in memory at once by a purge


def in_batches(questions: QuerySet[Question]) -> Iterator[Question]:
    """Every question of `questions` by increasing id, BATCH_SIZE at a time (keyset pagination: the
    purge changes rows as it goes, so an offset would skip some)."""
    size, last_pk = BATCH_SIZE, 0
    while True:
        batch = list(questions.filter(pk__gt=last_pk).order_by("pk").only("pk")[:size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk


# --- Retention ------------------------------------------------------------------------------------


def expired_questions(cutoff: datetime) -> QuerySet[Question]:
    """Questions sent before `cutoff` that still hold personal data."""
    return Question.objects.filter(received_at__lt=cutoff, anonymised_at__isnull=True)


def purge_questions(cutoff: datetime) -> int:
    count = 0
    for question in in_batches(expired_questions(cutoff)):
        anonymise_question(question)
        count += 1
    return count


def expired_attachments(cutoff: datetime) -> QuerySet[QuestionAttachment]:
    return QuestionAttachment.objects.filter(question__received_at__lt=cutoff)


def purge_question_attachments(cutoff: datetime) -> int:
    """Delete the documents (files and rows) of the questions sent before `cutoff`; how many."""
    with_documents = Question.objects.filter(pk__in=expired_attachments(cutoff).values("question_id"))
    return sum(delete_attachments(question) for question in in_batches(with_documents))


register_retention(
    "questions",
    purge=purge_questions,
    count=lambda cutoff: expired_questions(cutoff).count(),
    describe=_("Questions, anonymised after the retention period (the service figures stay)"),
)
register_retention(
    "question_attachments",
    purge=purge_question_attachments,
    count=lambda cutoff: expired_attachments(cutoff).count(),
    describe=_("Documents sent with questions, deleted after the retention period"),
)


# --- Access and erasure ---------------------------------------------------------------------------
#
# What the page and the copy hold: everything the question holds about the visitor, the replies,
# the names (not the bytes) of the documents, and the internal notes.
# - Documents: the visitor sent them and still has them; the names, types and sizes say what we
#   keep, and a JSON file is no place for passport scans (the copy travels further than the page).
# - Internal notes are personal information about the visitor under PIPL (art. 4: any information
#   relating to an identified person), and art. 45 gives the right to consult and copy it; no law
#   makes these notes confidential. Appointments keep no staff remarks to set a precedent either
#   way, so the notes are shown and copied, without their authors' names (staff's own data). Staff
#   must therefore write them knowing that the visitor can read them.


def _question_reference(reference: str) -> str:
    """The stored form of a question reference as typed (“q k7qm3 xhd9p”, O for 0), or ""."""
    if not reference.startswith(REFERENCE_PREFIX):
        return ""
    rest = normalise_reference(reference[len(REFERENCE_PREFIX) :])
    return REFERENCE_PREFIX + rest if rest else ""


def _documents(question: Question) -> str:
    attachments = list(question.attachments.all())
    if not attachments:
        return gettext("None")
    return "\n".join(
        gettext("%(name)s (%(size)s KB)")
        % {"name": attachment.original_name, "size": format_number(max(1, round(attachment.size / 1024)))}
        for attachment in attachments
    )


def _dated_texts(items, when: Callable, text: Callable) -> str:
    return "\n\n".join(f"{format_datetime(when(item), 'medium')}\n{text(item)}" for item in items)


def find_questions(reference: str, email: str) -> list[Record]:
    reference = _question_reference(reference)
    if not reference or not email:
        return []
    question = (
        Question.objects.select_related("procedure")
        .prefetch_related("attachments", "replies", "notes")
        .filter(reference=reference, email__iexact=email, anonymised_at__isnull=True)
        .first()
    )
    if question is None:
        return []
    fields = [
        (gettext("Topic"), str(question.get_section_display())),
        (gettext("Guide"), question.procedure.title if question.procedure else ""),
        (gettext("Language"), language_name(question.language)),
        (gettext("Sent (Beijing time)"), format_datetime(question.received_at, "medium")),
        (pgettext("question", "Status"), str(question.get_status_display())),
        (gettext("Name"), question.name),
        (gettext("Email"), question.email),
        (gettext("Your question"), question.text),
        (gettext("Your question translated into Chinese for our staff"), question.text_zh),
        (gettext("Documents you sent"), _documents(question)),
        (gettext("Answers"), _dated_texts(question.replies.all(), lambda r: r.sent_at, lambda r: r.text)),
        (
            gettext("Our staff's internal notes"),
            _dated_texts(question.notes.all(), lambda n: n.created_at, lambda n: n.text),
        ),
        (gettext("Answer due by"), format_date(question.due_on, "medium")),
    ]
    return [
        Record(
            provider=PROVIDER,
            key=str(question.pk),
            title=gettext("Question %(reference)s") % {"reference": question.reference},
            fields=tuple((label, value) for label, value in fields if value),
            created_at=question.received_at,
        )
    ]


def _selected(records: list[Record]) -> QuerySet[Question]:
    keys = [record.key for record in records if record.provider == PROVIDER]
    return Question.objects.filter(pk__in=keys, anonymised_at__isnull=True)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_questions(records: list[Record]) -> list[dict]:
    questions = (
        _selected(records)
        .select_related("procedure", "department")
        .prefetch_related("attachments", "replies", "notes")
        .order_by("pk")
    )
    return [
        {
            "reference": question.reference,
            "language": question.language,
            "section": question.section,
            "procedure": question.procedure.item_code if question.procedure else None,
            "name": question.name,
            "email": question.email,
            "question": question.text,
            "question_in_chinese": question.text_zh,
            "status": question.status,
            "department": question.department.code if question.department else None,
            "received_at": _iso(question.received_at),
            "consented_at": _iso(question.consent_at),
            "documents_consented_at": _iso(question.attachments_consent_at),
            "due_on": _iso(question.due_on),
            "first_answered_at": _iso(question.first_answered_at),
            "closed_at": _iso(question.closed_at),
            "documents": [
                {"name": item.original_name, "content_type": item.content_type, "size": item.size}
                for item in question.attachments.all()
            ],
            "answers": [
                {"sent_at": _iso(reply.sent_at), "text": reply.text, "chinese_draft": reply.draft_zh}
                for reply in question.replies.all()
            ],
            "internal_notes": [
                {"written_at": _iso(note.created_at), "text": note.text} for note in question.notes.all()
            ],
        }
        for question in questions
    ]


def erase_questions(records: list[Record]) -> str:
    """Anonymise the question. One still open is closed first: without the address nobody can
    answer it, and it leaves the staff's inbox. No email is sent to an address we are asked to forget."""
    questions = list(_selected(records))
    for question in questions:
        if question.is_open:
            close_question(question, by=None)
        anonymise_question(question)
    count = len(questions)
    return ngettext(
        "Anonymised %(count)d question: its text, your name and address, the answers, the notes and "
        "any documents are deleted.",
        "Anonymised %(count)d questions: their text, your name and address, the answers, the notes "
        "and any documents are deleted.",
        count,
    ) % {"count": count}


register_personal_data_provider(
    PROVIDER,
    label=_("Questions"),
    find=find_questions,
    export=export_questions,
    erase=erase_questions,
)
