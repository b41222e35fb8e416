"""Files visitors send reach staff only as downloads: for a question they may see, never shown inline,
never cached, sandboxed, and with the visitor's file name kept intact but harmless."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from cityportal.procedures.tests.factories import DepartmentFactory

from ..models import QuestionAttachment
from .factories import QuestionFactory, staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(question, name="passport.pdf", content_type="application/pdf", data=PDF) -> QuestionAttachment:
    attachment = QuestionAttachment(
        question=question, original_name=name, content_type=content_type, size=len(data)
    )
    attachment.file.save("stored.pdf", ContentFile(data), save=False)
    attachment.save()
    return attachment


def download_url(attachment) -> str:
    return reverse("consultations_admin:attachment", args=[attachment.pk])


@pytest.fixture
def department():
    return DepartmentFactory()


def log_in(client, user):
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    client.force_login(user)


def test_staff_download_a_file_as_an_attachment_that_is_never_cached_or_rendered(client, department):
    log_in(client, staff_user("li", departments=[department]))
    attachment = attach(QuestionFactory(department=department), name="여권 사본 (1).pdf")
    response = client.get(download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote(
        "여권 사본 (1).pdf", safe=""
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    # (The admin adds max-age=0, no-cache, must-revalidate to every response.)
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["Content-Security-Policy"] == "sandbox"
    entry = ModelLogEntry.objects.for_instance(attachment.question).get()  # who opened which document
    assert (entry.action, entry.user.username, entry.data) == (
        "consultations.download_attachment",
        "li",
        {"file": attachment.pk},
    )


def test_a_file_name_cannot_break_out_of_the_header(client, department):
    log_in(client, staff_user("li", departments=[department]))
    attachment = attach(QuestionFactory(department=department), name='a"; filename=evil.html\r\nX-Bad: 1.pdf')
    response = client.get(download_url(attachment))
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''a%22%3B%20filename%3Devil.html%0D%0AX-Bad%3A%201.pdf"
    )
    assert "X-Bad" not in response.headers


def test_the_detail_page_lists_each_file_with_its_type_size_and_link(client, department):
    log_in(client, staff_user("li", departments=[department]))
    question = QuestionFactory(department=department)
    attachment = attach(question, name="<b>permit</b>.pdf")
    html = client.get(reverse("consultations_admin:detail", args=[question.pk])).content.decode()
    assert f'href="{download_url(attachment)}" download>&lt;b&gt;permit&lt;/b&gt;.pdf</a>' in html
    assert "application/pdf" in html and f"{len(PDF)}\xa0bytes" in html


def test_another_departments_staff_cannot_download(client, department):
    attachment = attach(QuestionFactory(department=department))
    log_in(client, staff_user("wang", departments=[DepartmentFactory()]))
    assert client.get(download_url(attachment)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, department):
    attachment = attach(QuestionFactory(department=department))
    response = client.get(download_url(attachment))
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_file_gone_from_the_storage_is_not_found(client, department, private_storage):
    log_in(client, staff_user("li", departments=[department]))
    attachment = attach(QuestionFactory(department=department))
    attachment.file.delete(save=False)
    assert client.get(download_url(attachment)).status_code == 404
