"""The status page: reference and email address show the question, its status and every answer —
and nothing else; a wrong pair gets one and the same answer; nothing is ever cached."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from cityportal.core.templatetags.core_tags import format_datetime

from ..models import Question
from ..services import add_note, anonymise_question, answer_question, close_question
from .factories import QuestionFactory, staff_user

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
URL = "/en/ask/status/"
NOT_FOUND = "We found no question with this reference number and email address."
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'

pytestmark = pytest.mark.usefixtures("portal")


def look_up(client, reference, email, url=URL, ip="203.0.113.9"):
    return client.post(url, {"reference": reference, "email": email}, headers=SAME_ORIGIN, REMOTE_ADDR=ip)


def main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


@pytest.fixture
def answered():
    """A Korean question with two replies and an internal note by a named staff member."""
    question = QuestionFactory(
        language="ko", section="work", text="취업 허가 서류는?\n여권이 필요합니까?", email="Minji@Example.org"
    )
    clerk = staff_user("wang.internal")
    clerk.first_name, clerk.last_name = "Wei", "Wangsecret"
    clerk.save()
    add_note(question, by=clerk, text="Internal: ask the labour bureau first")
    answer_question(question, by=clerk, text="여권을 가져오세요.")
    answer_question(question, by=clerk, text="추가: 사진 두 장도 필요합니다.")
    return Question.objects.get(pk=question.pk)


def test_the_form_is_never_cached(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert 'name="reference"' in response.content.decode()


def test_the_right_pair_shows_the_question_its_status_and_every_answer_oldest_first(client, answered):
    response = look_up(client, answered.reference, "minji@example.org", url="/ko/ask/status/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = main(response)
    assert answered.reference in html
    assert "취업 허가 서류는?<br>여권이 필요합니까?" in html
    with translation.override("ko"):
        assert gettext("Answered") in html  # the status, in Korean
    assert html.index("여권을 가져오세요.") < html.index("추가: 사진 두 장도 필요합니다.")
    with translation.override("ko"):
        assert format_datetime(answered.received_at) in html  # written the Korean way, Beijing time
        assert format_datetime(answered.replies.first().sent_at) in html


def test_internal_notes_and_staff_names_never_appear(client, answered):
    html = look_up(client, answered.reference, "minji@example.org").content.decode()
    assert "여권을 가져오세요." in html
    assert "labour bureau" not in html
    for name in ("wang.internal", "Wangsecret", "Wei "):
        assert name not in html


def test_the_reference_may_be_typed_without_the_q_in_lower_case_with_read_alike_letters(client, answered):
    typed = answered.reference[1:].lower().replace("0", "o").replace("1", "l").replace("-", " ")
    assert "여권을 가져오세요." in main(look_up(client, typed, "MINJI@example.ORG"))


def test_an_open_question_says_when_we_aim_to_answer(client):
    question = QuestionFactory(email="alex@example.org")
    html = main(look_up(client, question.reference, "alex@example.org"))
    assert "Received: it will be passed to the responsible department." in html
    assert "We aim to answer by" in html and "No answer yet." in html


def test_a_question_closed_without_an_answer_says_so(client):
    question = close_question(QuestionFactory(email="alex@example.org"), by=None)
    html = main(look_up(client, question.reference, "alex@example.org"))
    assert "Closed" in html and "This question was closed without an answer." in html
    assert "We aim to answer by" not in html


def test_a_wrong_email_and_a_wrong_reference_get_the_same_answer(client, answered):
    QuestionFactory(email="someone@example.org")
    unknown_reference = "QAAAAA-AAAAA"

    wrong_email = look_up(client, answered.reference, "someone@example.org")
    wrong_reference = look_up(client, unknown_reference, "minji@example.org")

    assert wrong_email.status_code == wrong_reference.status_code == 200
    # The pages differ only by the reference and address typed, which the form shows again.
    first = main(wrong_email).replace(answered.reference, "REF").replace("someone@example.org", "ADDRESS")
    second = main(wrong_reference).replace(unknown_reference, "REF").replace("minji@example.org", "ADDRESS")
    assert NOT_FOUND in first
    assert first == second
    assert "여권" not in first


def test_a_reference_that_cannot_be_one_is_an_error_on_the_field(client):
    response = look_up(client, "12345", "alex@example.org")
    assert (
        '<a href="#id_reference">Enter the reference as it appears in our email' in response.content.decode()
    )


def test_an_anonymised_question_says_its_data_was_deleted(client):
    question = QuestionFactory(email="alex@example.org", text="My passport is E12345678")
    anonymise_question(question)

    html = main(look_up(client, question.reference, "alex@example.org"))

    assert "The personal data of this question has been deleted" in html
    assert "E12345678" not in html


@pytest.mark.parametrize("language", ["en", "ar"])
def test_script_and_markup_are_shown_inert(client, language):
    question = QuestionFactory(
        name=ATTRIBUTE, text=f"{SCRIPT}\nWhere do I register? {ATTRIBUTE}", email="alex@example.org"
    )
    answer_question(question, by=staff_user("li"), text=f"Answer {SCRIPT} {ATTRIBUTE}")

    html = main(look_up(client, question.reference, "alex@example.org", url=f"/{language}/ask/status/"))

    assert "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # question and answer
    assert html.count("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") == 3  # name, question, answer


def test_too_many_look_ups_of_one_reference_get_a_localised_429(client, answered):
    for n in range(10):  # ten per hour per reference, whatever the address
        look_up(
            client, answered.reference, f"guess{n}@example.org", url="/de/ask/status/", ip=f"198.51.100.{n}"
        )

    response = look_up(
        client, answered.reference, "minji@example.org", url="/de/ask/status/", ip="198.51.100.99"
    )

    assert response.status_code == 429
    assert "Dieses Formular wurde zu oft gesendet." in response.content.decode()
    assert "여권" not in response.content.decode()
