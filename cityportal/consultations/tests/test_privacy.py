"""Questions' personal data: documents deleted after 90 days, questions anonymised after two years,
and shown, downloaded and erased on the "your data" page with the reference and the email address."""

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cityportal.consultations import privacy
from cityportal.consultations.attachments import CleanAttachment
from cityportal.consultations.models import Question, QuestionStatus
from cityportal.consultations.services import add_note, answer_question, submit_question
from cityportal.consultations.tests.factories import staff_user
from cityportal.core.models import OutboundEmail
from cityportal.core.sections import Section

pytestmark = pytest.mark.django_db

URL = "/en/privacy/my-data/"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _security_log_dir(settings, tmp_path):
    settings.SECURITY_LOG_DIR = str(tmp_path / "log")


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def ask(n: int, *, sent: dt.datetime | None = None, documents: int = 0, text: str = "") -> Question:
    return submit_question(
        language="en",
        section=Section.WORK,
        text=text or f"How do I renew my work permit before it expires? ({n})",
        email=f"visitor{n}@example.org",
        name=f"Visitor {n}",
        attachments=[
            CleanAttachment(f"permit-{n}-{k}.pdf", "application/pdf", PDF) for k in range(documents)
        ],
        attachments_consent=bool(documents),
        now=sent or timezone.now(),
    )


def files_in(folder) -> list:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def purge() -> str:
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    return out.getvalue()


# --- retention ------------------------------------------------------------------------------------


def test_documents_go_90_days_after_the_question_and_the_question_stays(
    settings, private_storage, django_capture_on_commit_callbacks
):
    days = settings.RETENTION["question_attachments"].days
    old = ask(1, sent=days_ago(days + 1), documents=2)
    recent = ask(2, sent=days_ago(days - 1), documents=1)

    with django_capture_on_commit_callbacks(execute=True):  # files go when the deletion commits
        output = purge()

    assert "question_attachments: purged 2 " in output
    assert not old.attachments.exists()
    assert [path.name for path in files_in(private_storage)] == ["permit-2-0.pdf"]
    assert recent.attachments.count() == 1
    old.refresh_from_db()
    assert old.anonymised_at is None and old.email == "visitor1@example.org", "the question itself stays"


def test_questions_are_anonymised_after_two_years_and_keep_their_figures(settings, private_storage):
    days = settings.RETENTION["questions"].days
    old = ask(1, sent=days_ago(days + 1))
    answer_question(old, by=None, text="Apply at least 30 days before it expires.")
    recent = ask(2, sent=days_ago(days - 1))

    assert "questions: purged 1 " in purge()

    old.refresh_from_db()
    assert (old.name, old.email, old.text) == ("", "", "")
    assert old.anonymised_at is not None
    assert old.status == QuestionStatus.ANSWERED and old.first_answered_at is not None
    assert old.replies.get().text == ""
    recent.refresh_from_db()
    assert recent.anonymised_at is None and recent.text


def test_purging_twice_changes_nothing_the_second_time(settings, private_storage):
    ask(1, sent=days_ago(settings.RETENTION["questions"].days + 5), documents=1)
    now = timezone.now()

    assert privacy.purge_question_attachments(now - settings.RETENTION["question_attachments"]) == 1
    assert privacy.purge_questions(now - settings.RETENTION["questions"]) == 1
    assert privacy.purge_question_attachments(now - settings.RETENTION["question_attachments"]) == 0
    assert privacy.purge_questions(now - settings.RETENTION["questions"]) == 0


def test_the_purge_works_in_batches_and_reaches_every_question(settings, monkeypatch):
    monkeypatch.setattr(privacy, "BATCH_SIZE", 2)
    sent = days_ago(settings.RETENTION["questions"].days + 1)
    for n in range(5):
        ask(n, sent=sent)

    assert privacy.purge_questions(timezone.now() - settings.RETENTION["questions"]) == 5
    assert not Question.objects.filter(anonymised_at__isnull=True).exists()


def test_the_dry_run_counts_and_changes_nothing(settings, private_storage):
    question = ask(1, sent=days_ago(settings.RETENTION["questions"].days + 1), documents=2)
    out = StringIO()

    call_command("purge_personal_data", "--dry-run", stdout=out)

    assert "questions: would purge 1 " in out.getvalue()
    assert "question_attachments: would purge 2 " in out.getvalue()
    question.refresh_from_db()
    assert question.anonymised_at is None and question.attachments.count() == 2
    assert len(files_in(private_storage)) == 2


# --- "your data" ----------------------------------------------------------------------------------


def post_my_data(client, action, reference, email):
    data = {"reference": reference, "email": email, "action": action}
    return client.post(URL, data, **SAME_ORIGIN)


def main_html(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", html[html.index("<main") : html.index("</main>")])


@pytest.fixture
def answered(private_storage):
    question = ask(1, documents=1)
    staff = staff_user("li.staff")
    add_note(question, by=staff, text="Checked with the Overseas Talents Center: 30 days ahead.")
    answer_question(question, by=staff, text="Apply for the extension at least 30 days before it expires.")
    return question


def test_my_data_shows_the_question_its_answer_notes_and_document_names(client, portal, answered):
    html = main_html(post_my_data(client, "view", answered.reference, "visitor1@example.org"))

    assert f"Question {answered.reference}" in html
    assert "How do I renew my work permit before it expires? (1)" in html
    assert "Visitor 1" in html and "visitor1@example.org" in html
    assert "Apply for the extension at least 30 days before it expires." in html
    assert "Checked with the Overseas Talents Center: 30 days ahead." in html
    assert "permit-1-0.pdf" in html
    assert "li.staff" not in html, "the notes' authors are staff's data, not the visitor's"


def test_the_reference_may_be_typed_loosely(client, portal, answered):
    typed = " ".join(answered.reference.lower().replace("0", "o"))
    html = main_html(post_my_data(client, "view", typed, " Visitor1@Example.org "))
    assert f"Question {answered.reference}" in html


@pytest.mark.parametrize(
    ("reference", "email"),
    [
        (None, "someone.else@example.org"),  # the right reference with another address
        ("without-q", "visitor1@example.org"),  # the same characters without the Q (a booking's form)
    ],
    ids=["wrong-email", "no-prefix"],
)
def test_only_the_reference_and_its_address_together_find_the_question(
    client, portal, answered, reference, email
):
    reference = answered.reference[1:] if reference == "without-q" else answered.reference
    html = main_html(post_my_data(client, "view", reference, email))
    assert "We found no data" in html
    assert "How do I renew" not in html


def test_the_question_text_is_shown_inert(client, portal, private_storage):
    question = ask(1, text='<script>alert("x")</script><img src=x onerror=alert(1)>')
    html = main_html(post_my_data(client, "view", question.reference, "visitor1@example.org"))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_downloaded_copy_holds_the_question_answers_notes_and_document_names(client, portal, answered):
    response = post_my_data(client, "export", answered.reference, "visitor1@example.org")

    copy = json.loads(response.content)
    (exported,) = copy["data"]["questions"]
    assert exported["reference"] == answered.reference
    assert (exported["name"], exported["email"]) == ("Visitor 1", "visitor1@example.org")
    assert exported["question"] == "How do I renew my work permit before it expires? (1)"
    assert [answer["text"] for answer in exported["answers"]] == [
        "Apply for the extension at least 30 days before it expires."
    ]
    assert [note["text"] for note in exported["internal_notes"]] == [
        "Checked with the Overseas Talents Center: 30 days ahead."
    ]
    assert exported["documents"] == [
        {"name": "permit-1-0.pdf", "content_type": "application/pdf", "size": len(PDF)}
    ]
    assert "%PDF" not in response.content.decode(), "the documents' bytes stay out of the copy"
    # The acknowledgement and the answer mention the reference: the emails provider finds them.
    assert len(copy["data"]["outbound_emails"]) == 2


def test_erasing_anonymises_the_question_deletes_its_documents_and_emails(
    client, portal, answered, private_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # files go when the erasure commits
        html = main_html(post_my_data(client, "erase", answered.reference, "visitor1@example.org"))

    assert "Anonymised 1 question" in html
    answered.refresh_from_db()
    assert answered.anonymised_at is not None and answered.email == "" and answered.text == ""
    assert not answered.attachments.exists() and not answered.notes.exists()
    assert files_in(private_storage) == []
    assert not OutboundEmail.objects.filter(purpose__in=["question-received", "question-answer"]).exists()
    again = post_my_data(client, "view", answered.reference, "visitor1@example.org")
    assert "We found no data" in main_html(again)


def test_erasing_an_open_question_closes_it(client, portal, private_storage):
    question = ask(1)

    post_my_data(client, "erase", question.reference, "visitor1@example.org")

    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED and question.closed_at is not None
    assert question.anonymised_at is not None
