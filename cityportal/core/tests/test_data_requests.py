"""The "your data" page: see, download and delete personal data by reference and email address."""

import json
import re

import pytest
from django.utils import timezone

from cityportal.conftest import LANGUAGES
from cityportal.core import data_requests
from cityportal.core.data_requests import Record, register_personal_data_provider
from cityportal.core.models import OutboundEmail
from cityportal.core.security_log import FILE_NAME

URL = "/en/privacy/my-data/"
REFERENCE = "B7K2-9QXA"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture(autouse=True)
def _security_log_dir(settings, tmp_path):
    settings.SECURITY_LOG_DIR = str(tmp_path / "log")


@pytest.fixture
def sent_email(db):
    return OutboundEmail.objects.create(
        to=["Ann Example <Ann@Example.org>"],
        subject=f"Appointment {REFERENCE} confirmed",
        body_text=f"Your appointment {REFERENCE} is on 3 March at 10:00.",
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
    )


def post(client, action, reference=REFERENCE, email="ann@example.org", url=URL, **extra):
    data = {"reference": reference, "email": email, "action": action}
    return client.post(url, data, **SAME_ORIGIN, **extra)


def main_html(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", html[html.index("<main") : html.index("</main>")])


def security_events(settings) -> list[dict]:
    from pathlib import Path

    lines = []
    for path in sorted(Path(settings.SECURITY_LOG_DIR).iterdir()):
        assert FILE_NAME.match(path.name)
        lines.extend(json.loads(line) for line in path.read_text().splitlines())
    return lines


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_is_served_in_every_language_without_a_cookie(client, portal, language):
    response = client.get(f"/{language}/privacy/my-data/")
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert f'action="/{language}/privacy/my-data/"' in html
    assert 'name="reference"' in html and 'name="email"' in html
    assert "csrfmiddlewaretoken" not in html


def test_the_data_found_is_shown_when_reference_and_email_match(client, portal, sent_email):
    response = post(client, "view", reference="b7k2-9qxa ", email=" ANN@example.org")
    assert response.status_code == 200
    html = main_html(response)
    assert f"Appointment {REFERENCE} confirmed" in html
    assert "is on 3 March at 10:00" in html
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_email_gets_the_same_answer_as_an_unknown_reference(client, portal, sent_email):
    wrong_email = post(client, "view", email="someone.else@example.org")
    unknown_reference = post(client, "view", reference="ZZZZ-0000")
    assert wrong_email.status_code == unknown_reference.status_code == 200
    assert "We found no data" in main_html(wrong_email)
    assert main_html(wrong_email).replace(REFERENCE, "ZZZZ-0000") == main_html(unknown_reference)
    assert sent_email.subject not in main_html(wrong_email)


def test_a_reference_must_be_mentioned_as_a_whole_word(client, portal, sent_email):
    assert "We found no data" in main_html(post(client, "view", reference="B7K2"))


def test_delete_asks_for_confirmation_before_deleting(client, portal, sent_email):
    response = post(client, "delete")
    html = main_html(response)
    assert "Delete your personal data?" in html
    assert 'value="erase"' in html
    assert OutboundEmail.objects.filter(pk=sent_email.pk).exists()


def test_confirming_erases_through_the_providers_and_says_what_was_done(client, portal, sent_email):
    response = post(client, "erase")
    html = main_html(response)
    assert "Your data has been deleted" in html
    assert "Deleted 1 email the portal sent you." in html
    assert not OutboundEmail.objects.filter(pk=sent_email.pk).exists()
    assert not response.cookies


def test_erasing_with_a_wrong_email_deletes_nothing(client, portal, sent_email):
    response = post(client, "erase", email="someone.else@example.org")
    assert "We found no data" in main_html(response)
    assert OutboundEmail.objects.filter(pk=sent_email.pk).exists()


def test_a_copy_can_be_downloaded_as_json(client, portal, sent_email):
    response = post(client, "export")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    copy = json.loads(response.content)
    assert copy["reference"] == REFERENCE
    (exported,) = copy["data"]["outbound_emails"]
    assert exported["subject"] == sent_email.subject
    assert exported["text"] == sent_email.body_text


def test_the_page_works_without_javascript(client, portal, sent_email, settings):
    # No proof-of-work solution is sent; the form is accepted under the tighter no-JavaScript limit.
    settings.BOT_CHECKS = True
    response = post(client, "view")
    assert sent_email.subject in main_html(response)


def test_a_post_from_another_site_is_refused(client, portal, sent_email):
    response = client.post(
        URL,
        {"reference": REFERENCE, "email": "ann@example.org", "action": "erase"},
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert OutboundEmail.objects.filter(pk=sent_email.pk).exists()


def test_a_malformed_reference_is_explained_in_the_visitors_language(client, portal):
    response = post(client, "view", reference="<script>", url="/en/privacy/my-data/")
    assert response.status_code == 200
    assert "letters, digits and hyphens" in main_html(response)


def test_requests_are_logged_with_the_reference_masked_and_no_email(client, portal, sent_email, settings):
    post(client, "view")
    post(client, "erase")
    events = security_events(settings)
    assert [event["event"] for event in events] == ["data_request.viewed", "data_request.erased"]
    assert all(event["reference"] == "B7*****XA" for event in events)
    raw = json.dumps(events)
    assert REFERENCE not in raw and "ann@example.org" not in raw.lower()
    assert events[0]["ip"] == "127.0.0.1"


def test_a_capability_plugs_in_by_registering_a_provider(client, portal, monkeypatch):
    data_requests.registered_providers()
    monkeypatch.setattr(data_requests, "_providers", dict(data_requests._providers))
    erased = []

    def find(reference, email):
        if (reference, email) != ("Q-2024-0001", "li@example.org"):
            return []
        return [
            Record("test-questions", "1", "Question Q-2024-0001", (("Question", "Where do I register?"),))
        ]

    register_personal_data_provider(
        "test-questions",
        label="Questions",
        find=find,
        export=lambda records: [{"question": "Where do I register?"}],
        erase=lambda records: erased.extend(records) or "Anonymised 1 question.",
    )

    shown = post(client, "view", reference="q-2024-0001", email="LI@example.org")
    assert "Where do I register?" in main_html(shown)

    done = post(client, "erase", reference="q-2024-0001", email="LI@example.org")
    assert "Anonymised 1 question." in main_html(done)
    assert [record.key for record in erased] == ["1"]
