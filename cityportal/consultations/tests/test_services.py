"""The consultations services: asking, assigning, noting, answering, closing, publishing to the FAQ,
voting and anonymising, each as staff and visitors would notice it (rows, files, emails, audit log).

The proof that simultaneous votes all count, with real connections, is at the end of this file.
"""

import datetime as dt
import time
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry

from cityportal.appointments.tests.concurrency import WorkerDatabase, overlap, run_together
from cityportal.core.models import Department, OutboundEmail
from cityportal.core.sections import Section

from ..attachments import CleanAttachment
from ..models import FAQEntry, FAQVoteCount, InternalNote, Question, QuestionAttachment, QuestionStatus, Reply
from ..services import (
    FAQText,
    add_note,
    anonymise_question,
    answer_question,
    assign_question,
    close_question,
    delete_attachments,
    publish_faq,
    record_vote,
    submit_question,
    sweep_orphan_attachment_files,
)
from .factories import FAQEntryFactory, QuestionFactory, staff_user

pytestmark = pytest.mark.django_db

BEIJING = dt.timezone(dt.timedelta(hours=8))
# A Friday morning in Beijing, in a month without public holidays: five working days later is the
# next Friday, 13 March.
FRIDAY = dt.datetime(2026, 3, 6, 10, 0, tzinfo=BEIJING)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def exit_entry():
    return Department.objects.get_or_create(code="psb-exit-entry", defaults={"name": "Exit-Entry"})[0]


@pytest.fixture
def staff(exit_entry):
    return staff_user("li.staff", departments=[exit_entry])


def ask(**overrides) -> Question:
    values = {
        "language": "ko",
        "section": Section.LIVE,
        "text": "  호텔이 아닌 친구 집에 머물면 숙박 등록을 해야 하나요?  ",
        "email": "minji.kim@example.org",
        "name": " Kim Minji ",
        "now": FRIDAY,
    }
    return submit_question(**(values | overrides))


def stored_files(folder) -> list:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def log_actions(question: Question) -> list[str]:
    return list(ModelLogEntry.objects.for_instance(question).order_by("pk").values_list("action", flat=True))


# --- submit_question ------------------------------------------------------------------------------


def test_a_question_gets_a_reference_a_due_day_and_an_acknowledgement_in_its_language():
    question = ask()

    question.refresh_from_db()
    assert question.reference.startswith("Q") and len(question.reference) == 12
    assert question.reference[6] == "-"
    assert question.status == QuestionStatus.NEW
    assert question.text == "호텔이 아닌 친구 집에 머물면 숙박 등록을 해야 하나요?"
    assert question.name == "Kim Minji"
    assert question.received_at == question.consent_at == FRIDAY
    assert question.due_on == dt.date(2026, 3, 13)  # five working days after a Friday
    assert question.attachments_consent_at is None
    (email,) = OutboundEmail.objects.filter(purpose="question-received")
    assert email.to == ["minji.kim@example.org"]
    assert email.language == "ko"
    assert question.reference in email.subject


def test_attachments_land_in_the_private_storage_with_their_consent_time(private_storage):
    question = ask(
        attachments=[
            CleanAttachment("passport.pdf", "application/pdf", PDF),
            CleanAttachment("registration.png", "image/png", PNG),
        ],
        attachments_consent=True,
    )

    attachments = list(question.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type, a.size) for a in attachments] == [
        ("passport.pdf", "application/pdf", len(PDF)),
        ("registration.png", "image/png", len(PNG)),
    ]
    files = stored_files(private_storage)
    assert len(files) == 2 and {path.read_bytes() for path in files} == {PDF, PNG}
    assert all(attachment.file.storage is storages["private"] for attachment in attachments)
    assert Question.objects.get(pk=question.pk).attachments_consent_at == FRIDAY


def test_attachments_without_their_consent_are_refused_and_nothing_is_written(private_storage):
    with pytest.raises(ValidationError) as refusal:
        ask(attachments=[CleanAttachment("passport.pdf", "application/pdf", PDF)])

    assert refusal.value.code == "attachments_consent"
    assert not Question.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert stored_files(private_storage) == []


def test_files_already_stored_are_removed_when_the_question_is_rolled_back(private_storage):
    # The second file name is one no storage accepts: the first file is already on disk when the
    # question's transaction fails.
    with pytest.raises(Exception, match="file name"):
        ask(
            attachments=[
                CleanAttachment("passport.pdf", "application/pdf", PDF),
                CleanAttachment("..", "application/pdf", PDF),
            ],
            attachments_consent=True,
        )

    assert not Question.objects.exists() and not QuestionAttachment.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert stored_files(private_storage) == []


def test_no_file_outlives_a_callers_rolled_back_transaction(private_storage):
    """A caller that wraps submit_question in its own transaction and then fails leaves the file
    (files are not transactional); the scheduled sweep deletes it once it is an hour old, and
    keeps the files of questions that exist."""

    class CallerFailed(Exception):
        pass

    kept = ask(attachments=[CleanAttachment("visa.png", "image/png", PNG)], attachments_consent=True)
    with pytest.raises(CallerFailed), transaction.atomic():
        ask(attachments=[CleanAttachment("passport.pdf", "application/pdf", PDF)], attachments_consent=True)
        raise CallerFailed
    assert len(stored_files(private_storage)) == 2

    assert sweep_orphan_attachment_files(timezone.now()) == 0  # too young: may still be committing
    assert sweep_orphan_attachment_files(timezone.now() + dt.timedelta(hours=2)) == 1

    (remaining,) = stored_files(private_storage)
    assert remaining.name == Path(kept.attachments.get().file.name).name


# --- assign, note, answer, close ------------------------------------------------------------------


def test_assigning_a_new_question_to_a_department_makes_it_assigned_and_logs_who(staff, exit_entry):
    supervisor = staff_user("wang.supervisor", supervisor=True)
    question = QuestionFactory()

    assigned = assign_question(question, by=supervisor, department=exit_entry)

    assert assigned.status == QuestionStatus.ASSIGNED
    assert assigned.department == exit_entry and assigned.assigned_at is not None
    entry = ModelLogEntry.objects.for_instance(question).get()
    assert (entry.action, entry.user, entry.data) == (
        "consultations.assign",
        supervisor,
        {"department": "psb-exit-entry"},
    )


def test_reassigning_to_a_person_keeps_the_first_assignment_time(staff, exit_entry):
    question = assign_question(QuestionFactory(), by=None, department=exit_entry)
    first_assigned_at = question.assigned_at

    question = assign_question(question, by=None, assignee=staff)

    assert question.status == QuestionStatus.ASSIGNED
    assert (question.department, question.assignee) == (exit_entry, staff)
    assert question.assigned_at == first_assigned_at
    assert ModelLogEntry.objects.for_instance(question).order_by("pk").last().data == {"assignee": "li.staff"}


def test_assigning_nobody_leaves_a_new_question_new():
    question = assign_question(QuestionFactory(), by=None)
    assert question.status == QuestionStatus.NEW and question.assigned_at is None


def test_assigning_an_answered_question_does_not_reopen_it(staff, exit_entry):
    question = assign_question(QuestionFactory(answered=True), by=None, department=exit_entry)
    assert question.status == QuestionStatus.ANSWERED


def test_an_internal_note_is_kept_with_its_author_and_logged(staff):
    question = QuestionFactory()

    note = add_note(question, by=staff, text="  Asked the police station about weekend hours.  ")

    assert (note.author, note.text) == (staff, "Asked the police station about weekend hours.")
    assert list(question.notes.all()) == [note]
    assert log_actions(question) == ["consultations.note"]


def test_an_empty_note_is_refused(staff):
    question = QuestionFactory()
    with pytest.raises(ValidationError):
        add_note(question, by=staff, text="   ")
    assert not InternalNote.objects.exists() and log_actions(question) == []


def test_an_answer_is_emailed_in_the_visitors_language_and_marks_the_question_answered(staff):
    question = ask()

    reply = answer_question(question, by=staff, text=" 네, 24시간 이내에 파출소에서 등록해야 합니다. ")

    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.first_answered_at == reply.sent_at
    assert question.assignee == staff  # whoever answers an unassigned question takes it
    assert reply.text == "네, 24시간 이내에 파출소에서 등록해야 합니다."
    email = OutboundEmail.objects.get(purpose="question-answer")
    assert reply.email == email
    assert (email.to, email.language) == (["minji.kim@example.org"], "ko")
    assert reply.text in email.body_text and question.reference in email.subject
    assert log_actions(question) == ["consultations.answer"]


def test_a_second_answer_keeps_the_first_answer_time_and_the_assignee(staff):
    colleague = staff_user("zhao.staff")
    question = QuestionFactory()
    first = answer_question(question, by=staff, text="First answer.")

    answer_question(question, by=colleague, text="A correction to the first answer.")

    question.refresh_from_db()
    assert question.first_answered_at == first.sent_at
    assert question.assignee == staff
    assert question.replies.count() == 2
    assert OutboundEmail.objects.filter(purpose="question-answer").count() == 2


def test_an_empty_answer_is_refused_and_sends_nothing(staff):
    question = QuestionFactory()
    with pytest.raises(ValidationError):
        answer_question(question, by=staff, text=" \n ")
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW and question.first_answered_at is None
    assert not Reply.objects.exists() and not OutboundEmail.objects.exists()


def test_an_anonymised_question_cannot_be_answered(staff):
    question = QuestionFactory()
    anonymise_question(question)
    question.refresh_from_db()
    with pytest.raises(ValidationError):
        answer_question(question, by=staff, text="Too late.")
    assert not OutboundEmail.objects.exists()


def test_closing_records_the_time_and_who_closed_it(staff):
    question = QuestionFactory(answered=True)

    closed = close_question(question, by=staff)

    assert closed.status == QuestionStatus.CLOSED and closed.closed_at is not None
    assert closed.first_answered_at == question.first_answered_at
    entry = ModelLogEntry.objects.for_instance(question).get()
    assert (entry.action, entry.user) == ("consultations.close", staff)


def test_an_unanswered_question_can_be_closed_as_spam(staff):
    closed = close_question(QuestionFactory(), by=staff)
    assert closed.status == QuestionStatus.CLOSED and closed.first_answered_at is None


# --- publish_faq ----------------------------------------------------------------------------------

TEXTS = {
    "en": FAQText("Where do I register my stay?", "At the local police station, within 24 hours."),
    "ko": FAQText("숙박 등록은 어디에서 하나요?", "도착 후 24시간 이내에 관할 파출소에서 합니다."),
}


def test_publishing_makes_one_entry_per_language_sharing_a_translation_key(staff):
    source = QuestionFactory(language="ko", answered=True)

    entries = publish_faq(by=staff, section=Section.LIVE, texts=TEXTS, source=source)

    assert len(entries) == 2
    stored = FAQEntry.objects.filter(pk__in=[entry.pk for entry in entries]).select_related("locale")
    assert {entry.locale.language_code: entry.question for entry in stored} == {
        "en": "Where do I register my stay?",
        "ko": "숙박 등록은 어디에서 하나요?",
    }
    assert len({entry.translation_key for entry in stored}) == 1
    assert all(entry.live and entry.section == Section.LIVE and entry.source == source for entry in stored)
    entry = ModelLogEntry.objects.for_instance(source).get()
    assert (entry.action, entry.user, entry.data) == (
        "consultations.publish_faq",
        staff,
        {"languages": ["en", "ko"]},
    )


def test_publishing_uses_a_given_translation_key():
    key = uuid.uuid5(uuid.NAMESPACE_URL, "cityportal-demo-faq/live-register-stay")
    entries = publish_faq(by=None, section=Section.LIVE, texts=TEXTS, translation_key=key)
    assert {entry.translation_key for entry in FAQEntry.objects.filter(pk__in=[e.pk for e in entries])} == {
        key
    }


def test_publishing_is_refused_while_any_language_holds_personal_data_and_writes_nothing():
    texts = TEXTS | {
        "ja": FAQText("宿泊登録はどこで？", "詳しくは minji.kim@example.org までメールしてください。"),
    }
    with pytest.raises(ValidationError) as refusal:
        publish_faq(by=None, section=Section.LIVE, texts=texts)

    (problem,) = refusal.value.messages  # one sentence per language that still holds personal data
    assert "日本語" in problem and "minji.kim@example.org" in problem
    assert not FAQEntry.objects.exists()


@pytest.mark.parametrize(
    "texts",
    [{}, {"en": FAQText("Where do I register my stay?", "  ")}, {"en": FAQText(" ", "At the station.")}],
    ids=["no-language", "empty-answer", "empty-question"],
)
def test_publishing_without_text_is_refused(texts):
    with pytest.raises(ValidationError):
        publish_faq(by=None, section=Section.LIVE, texts=texts)
    assert not FAQEntry.objects.exists()


# --- record_vote ----------------------------------------------------------------------------------


def test_votes_are_counted_per_month_and_kind():
    entry = FAQEntryFactory()
    march = dt.datetime(2026, 3, 10, 4, 0, tzinfo=dt.UTC)

    record_vote(entry, helpful=True, now=march)
    record_vote(entry, helpful=True, now=march)
    record_vote(entry, helpful=False, now=march)

    counts = FAQVoteCount.objects.get(entry=entry)
    assert (counts.month, counts.helpful, counts.not_helpful) == (dt.date(2026, 3, 1), 2, 1)


def test_a_vote_late_on_the_last_utc_day_of_march_counts_for_april_in_beijing():
    entry = FAQEntryFactory()

    record_vote(entry, helpful=True, now=dt.datetime(2026, 3, 31, 17, 0, tzinfo=dt.UTC))  # 01:00 on 1 April
    record_vote(entry, helpful=True, now=dt.datetime(2026, 3, 31, 15, 59, tzinfo=dt.UTC))  # 23:59 on 31 March

    months = dict(FAQVoteCount.objects.filter(entry=entry).values_list("month", "helpful"))
    assert months == {dt.date(2026, 3, 1): 1, dt.date(2026, 4, 1): 1}


# --- delete_attachments and anonymise_question ----------------------------------------------------


def answered_question_with_everything(staff) -> Question:
    question = ask(
        attachments=[CleanAttachment("passport.pdf", "application/pdf", PDF)], attachments_consent=True
    )
    Question.objects.filter(pk=question.pk).update(text_zh="住在朋友家需要办理住宿登记吗？")
    assign_question(question, by=staff, assignee=staff)
    add_note(question, by=staff, text="Kim Minji called about this too.")
    answer_question(
        question, by=staff, text="네, 24시간 이내에 등록해야 합니다.", draft_zh="是的，需要在24小时内登记。"
    )
    return close_question(question, by=staff)


def test_deleting_attachments_removes_files_and_rows(private_storage, django_capture_on_commit_callbacks):
    question = ask(
        attachments=[
            CleanAttachment("passport.pdf", "application/pdf", PDF),
            CleanAttachment("visa.png", "image/png", PNG),
        ],
        attachments_consent=True,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_attachments(question) == 2
        assert len(stored_files(private_storage)) == 2  # files go only when the deletion commits

    assert not question.attachments.exists()
    assert stored_files(private_storage) == []
    assert delete_attachments(question) == 0


def test_anonymising_blanks_the_person_and_keeps_what_the_figures_need(
    private_storage, staff, django_capture_on_commit_callbacks
):
    question = answered_question_with_everything(staff)
    before = Question.objects.get(pk=question.pk)
    moment = dt.datetime(2028, 3, 7, tzinfo=dt.UTC)

    with django_capture_on_commit_callbacks(execute=True):
        anonymise_question(question, now=moment)

    after = Question.objects.get(pk=question.pk)
    assert (after.name, after.email, after.text, after.text_zh) == ("", "", "", "")
    assert after.anonymised_at == moment
    assert not after.attachments.exists() and stored_files(private_storage) == []
    assert not after.notes.exists()
    assert list(after.replies.values_list("text", "draft_zh")) == [("", "")]
    kept = ("reference", "language", "section", "status", "department_id", "assignee_id", "received_at")
    kept += ("due_on", "assigned_at", "first_answered_at", "closed_at", "consent_at")
    assert all(getattr(after, name) == getattr(before, name) for name in kept)
    assert after.replies.get().sent_at is not None


# --- simultaneous votes ---------------------------------------------------------------------------


VOTES = [True, True, False, True, False, True, True, False]
APRIL = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)


def counted(database: WorkerDatabase, entry_id: int) -> list[tuple]:
    with database.as_default():
        return list(
            FAQVoteCount.objects.filter(entry_id=entry_id).values_list("month", "helpful", "not_helpful")
        )


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_votes_of_a_month_all_count(tmp_path):
    """Eight visitors vote at the same moment on an entry nobody voted on this month: each call runs
    in its own thread and connection, and all of them must create or find the month's row and count.

    The harness holds the entry's row lock while the threads start (a vote's INSERT references the
    entry, so on PostgreSQL it waits for that lock; on SQLite every write waits for the write lock),
    then lets them race for the month's row together."""
    Locale.objects.get_or_create(language_code="en")  # an earlier transactional test may have flushed it
    entry = FAQEntryFactory()
    database = WorkerDatabase(tmp_path)

    def vote(helpful: bool):
        return lambda: record_vote(FAQEntry.objects.get(pk=entry.pk), helpful=helpful, now=APRIL)

    attempts = run_together(database, [vote(helpful) for helpful in VOTES], contended=(FAQEntry, entry.pk))

    assert overlap(attempts) > 0, "every vote started before the first one finished"
    assert [attempt.error for attempt in attempts if attempt.error is not None] == []
    assert counted(database, entry.pk) == [(dt.date(2026, 4, 1), VOTES.count(True), VOTES.count(False))]


def naive_vote(entry_id: int) -> None:
    """What record_vote must never be: read the count, add one in Python, write it back."""
    counts, _created = FAQVoteCount.objects.get_or_create(entry_id=entry_id, month=dt.date(2026, 4, 1))
    time.sleep(0.05)  # the time a request spends between its read and its write
    FAQVoteCount.objects.filter(pk=counts.pk).update(helpful=counts.helpful + 1)


@pytest.mark.django_db(transaction=True)
def test_control_the_same_harness_catches_votes_lost_by_a_read_then_write(tmp_path):
    Locale.objects.get_or_create(language_code="en")
    entry = FAQEntryFactory()
    row = FAQVoteCount.objects.create(entry=entry, month=dt.date(2026, 4, 1))
    database = WorkerDatabase(tmp_path)

    attempts = run_together(
        database, [lambda: naive_vote(entry.pk)] * len(VOTES), contended=(FAQVoteCount, row.pk)
    )

    assert overlap(attempts) > 0
    ((_month, helpful, _not_helpful),) = counted(database, entry.pk)
    assert helpful < len(VOTES), "the naive count loses votes, so the harness can see lost votes"
